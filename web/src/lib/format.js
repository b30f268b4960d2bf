// Dates and numbers as the bureau writes them: China time (UTC+8).
const pad = n => String(n).padStart(2, '0')

function china(iso) {
  const d = new Date(iso)
  if (isNaN(d)) return null
  return new Date(d.getTime() + 8 * 3600 * 1000)
}

/** '2026-12-05T19:57:59Z' → '2026-12-06 03:57' (China time). */
export function dateTime(iso) {
  if (!iso) return '—'
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso
  const d = china(iso)
  if (!d) return iso
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
}

/** A date only: '2026-12-05' stays, a timestamp becomes its China date. */
export function date(iso) {
  if (!iso) return '—'
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso
  return dateTime(iso).slice(0, 10)
}

/** '2026-12-05' → '2026年12月5日'. */
export function dateCn(s) {
  if (!s) return '—'
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date(s))
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : s
}

/** Today in China, YYYY-MM-DD. */
export function todayChina() {
  const d = china(new Date().toISOString())
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
}

export function num(v, digits = 2) {
  if (v === null || v === undefined || v === '') return '—'
  return Number(v).toFixed(digits)
}

export function percent(v) {
  if (v === null || v === undefined) return '—'
  if (typeof v === 'object') v = v.percent
  return v === null || v === undefined ? '—' : `${Number(v).toFixed(1)}%`
}

/** Periods for the reports and the dashboard: quarters, months, years. */
export function periodOptions(today = todayChina()) {
  const y = Number(today.slice(0, 4)), m = Number(today.slice(5, 7))
  const q = Math.floor((m - 1) / 3) + 1
  const quarters = [], months = [], years = []
  let yy = y, qq = q
  for (let i = 0; i < 8; i++) {
    quarters.push({ value: `${yy}Q${qq}`, label: `${yy}年第${'一二三四'[qq - 1]}季度` })
    if (--qq === 0) { qq = 4; yy-- }
  }
  let my = y, mm = m
  for (let i = 0; i < 12; i++) {
    months.push({ value: `${my}-${pad(mm)}`, label: `${my}年${mm}月` })
    if (--mm === 0) { mm = 12; my-- }
  }
  for (let i = 0; i < 3; i++) years.push({ value: String(y - i), label: `${y - i}年` })
  return { quarters, months, years, current: `${y}Q${q}` }
}
