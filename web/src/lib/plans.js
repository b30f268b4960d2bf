// Inspection plans (检查计划) on the pages: a plan's short label, the
// same everywhere ("2026Q4 历下区 #3"; a city-wide plan is 全市).
export function planScope(p) {
  return p.plan_district_name || p.district_name || (p.plan_district || p.district ? '' : '全市')
}

export function planLabel(p) {
  const id = p.plan ?? p.id
  return `${p.period} ${planScope(p)} #${id}`
}

// A permille as a percentage: 100 -> "10%", 125 -> "12.5%".
export function percent(permille) {
  return (permille % 10 ? (permille / 10).toFixed(1) : String(permille / 10)) + '%'
}
