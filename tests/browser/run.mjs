// run.mjs - the browser tests: the pages of web/dist against the real
// server and a real database built through the CLI, driven in Debian's
// chromium by playwright-core (tests/CMakeLists.txt runs it with ctest):
//
//   node tests/browser/run.mjs /path/to/schoolrisk /path/to/source-tree
//
// The main paths end to end, as the bureau's people take them: an
// inspector fills a whole checklist (every kind of control, one 不适用,
// one photo, three answers given offline) and submits, and the page's
// total equals `schoolrisk score` for the same answers; the district
// assigns, the school rectifies with photos, a second district user
// verifies (the first is refused: four eyes); the city signs off a
// supervised hazard, sees its dashboard change and downloads the city
// workbook, whose figures match the dashboard's; a district user cannot
// reach another district's school; the administrator's pages.  Every
// page gets an axe-core check (no critical or serious finding) and a
// screenshot (SR_BROWSER_SHOTS, default ./browser-shots); no console
// error may appear but the ones a step provokes on purpose.  A format-2
// table (tests/fixtures/fmt2/table.xml, for junior schools here) is
// answered too: levels in points, a deduction by reason with a count per
// reason and the deduction shown as it is typed.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {
  BIN, SRC, WEB, ENV, PNG, SHOTS, chromium, Server, step, summary, expect, expectEq, userPage, allowing,
  shot, axe, settle, go, apiGet, waitText, signIn, consoleErrors, axeFindings, sleep
} from './lib.mjs'
import { issue12 } from './issue12.mjs'

const REGISTRY = `学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,游泳池,在校生数,住宿生数,特殊需要学生数,安全负责人,联系电话
2137010231,济南市历下区燕翔小学,历下区,小学,公办,城区,否,否,是,是,否,1860,0,6,王建国,0531-86010231
2137010232,济南市历下区甸柳第一小学,历下区,小学,公办,城区,否,否,是,否,否,980,0,2,赵敏,0531-86010232
2137010301,济南市市中区舜耕中学,市中区,初中,公办,城区,否,否,是,是,否,1320,0,4,孙立,0531-82010301
2137163308,济南市莱芜区茶业口镇中心中学,莱芜区,初中,公办,乡村,是,是,是,是,否,620,410,3,李红梅,0634-6163308
2137010401,济南市市中区舜耕高级中学,市中区,普通高中,公办,城区,否,否,是,是,否,2450,0,2,周强,0531-82010401
`
const SCHOOL = {
  code: '2137010231', name: '济南市历下区燕翔小学', district: '历下区', stage: 'primary', ownership: 'public',
  locale: 'urban', boarding: 'false', school_bus: 'false', canteen: 'true', laboratory: 'true', swimming_pool: 'false',
  enrollment: '1860', boarders: '0', special_needs: '6'
}
// The format-2 example table, taken over for junior schools so that the
// primary checklist of the main path stays the shipped one.
const JUNIOR = '2137010301'
const FMT2 = fs.readFileSync(path.join(SRC, 'tests', 'fixtures', 'fmt2', 'table.xml'), 'utf8')
  .replace('<stage>primary</stage>', '<stage>junior</stage>').replace('id="fmt2"', 'id="fmt2-junior"')
// The format-2 table of groups, a shortfall deduction, an item scored by
// the evaluator and bonus items (tests/fixtures/fmt2g/groups.xml), for
// senior schools: 2,450 pupils require 4 guards.
const SENIOR = '2137010401'
const FMT2G = fs.readFileSync(path.join(SRC, 'tests', 'fixtures', 'fmt2g', 'groups.xml'), 'utf8')
  .replace('<stage>primary</stage>', '<stage>senior</stage>').replace('id="fmt2g"', 'id="fmt2g-senior"')
const USERS = [
  ['admin', '系统管理员', 'admin', null, null],
  ['city', '市局安全处', 'city', null, null],
  ['lixia', '历下区教体局', 'district', '历下区', null],
  ['lixia2', '历下区复查员', 'district', '历下区', null],
  ['yanxiang', '燕翔小学安全员', 'school', null, '2137010231'],
  ['insp', '张检查员', 'inspector', null, '2137010231']
]

// Preconditions: the CJK font (without it every glyph is a box and the
// test would pass anyway), chromium, the built pages.
function preconditions() {
  let fonts = ''
  try { fonts = execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }) } catch { fonts = '' }
  if (!fonts.trim()) throw new Error('no Chinese font: `fc-list :lang=zh` is empty (apt-get install fonts-noto-cjk)')
  if (!fs.existsSync('/usr/bin/chromium')) throw new Error('no /usr/bin/chromium (apt-get install chromium)')
  if (!fs.existsSync(path.join(WEB, 'dist', 'index.html'))) throw new Error('web/dist is not built (cd web && npm ci && npm run build)')
}

const state = {}
let server, browser, base
const pages = {}
const ctx = {}   // what later steps need from earlier ones

async function page(who, viewport) {
  if (!pages[who]) {
    pages[who] = (await userPage(browser, who, viewport)).page
    await signIn(pages[who], base, who, state)
    await settle(pages[who])
  }
  return pages[who]
}
async function visit(p, hash, name) {
  await go(p, base, hash)
  if (name) {
    await shot(p, name)
    await axe(p, name)
  }
}

try {
  if (!(await step('preconditions: a CJK font, chromium, web/dist', async () => preconditions()))) throw new Error('stop')
  server = new Server(REGISTRY, USERS)
  for (const [login] of USERS) state[login] = { password: server.once[login] }
  fs.writeFileSync(path.join(server.dir, 'fmt2-junior.xml'), FMT2)
  server.cli('indicators', 'load', path.join(server.dir, 'fmt2-junior.xml'))
  server.cli('users', 'grant', 'insp', '--role', 'inspector', '--school', JUNIOR)
  fs.writeFileSync(path.join(server.dir, 'fmt2g-senior.xml'), FMT2G)
  server.cli('indicators', 'load', path.join(server.dir, 'fmt2g-senior.xml'))
  server.cli('users', 'grant', 'insp', '--role', 'inspector', '--school', SENIOR)
  await server.start()
  base = server.url
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync']
  })

  await step('登录 page: Chinese, a wrong password is refused beside the form', async () => {
    const { page: p } = await userPage(browser, 'anonymous')
    await p.goto(base + '#/login')
    await p.waitForSelector('input[data-test=login]')
    await shot(p, '01-login')
    await axe(p, '登录')
    await p.fill('input[data-test=login]', 'lixia')
    await p.fill('input[data-test=password]', 'wrong-password-1')
    p.firstSession = false
    await allowing(p, [401], async () => {
      await p.click('[data-test=sign-in]')
      await p.waitForSelector('[data-test=login-error]')
    })
    const msg = await p.textContent('[data-test=login-error]')
    expect(msg.trim().length > 0, 'no error shown')
    await p.context().close()
  })

  await step('city: first sign-in enrols the second factor (QR code and secret) and changes the password', async () => {
    const p = await page('city')
    expect(p.url().includes('#/dashboard'), 'the city lands on 全市概览: ' + p.url())
    await waitText(p, '[data-test=kpi-coverage]', /%/)
    ctx.coverageBefore = (await p.textContent('[data-test=kpi-coverage]')).trim()
    ctx.dashBefore = (await apiGet(p, '/dashboard')).body
  })

  // ------------------------------------------------------------------
  // The inspector's checklist
  // ------------------------------------------------------------------
  await step('inspector: 我的任务 lists the school; 开始检查 opens its checklist', async () => {
    const p = await page('insp')
    expect(p.url().includes('#/tasks'), 'the inspector lands on 我的任务: ' + p.url())
    await p.waitForSelector(`[data-test=start-${SCHOOL.code}]`)
    await shot(p, '02-inspector-tasks')
    await axe(p, '我的任务')
    await p.click(`[data-test=start-${SCHOOL.code}]`)
    await p.waitForURL(/#\/assess\/\d+/)
    ctx.assessment = Number(/assess\/(\d+)/.exec(p.url())[1])
    await p.waitForSelector('[data-item]')
    await settle(p)
    ctx.checklist = (await apiGet(p, `/schools/${SCHOOL.code}/checklist`)).body
    await shot(p, '03-inspector-checklist')
    await axe(p, '检查表')
  })

  // What to answer for every item: each kind of control, one 不适用, a
  // general hazard on a check and on a levels item, a supervised (major)
  // one, one photo; the last three answered while offline.
  const plan = []
  await step('inspector: answers every item with the control of its method, one 不适用, one photo', async () => {
    const p = pages.insp
    const items = ctx.checklist.dimensions.flatMap(d => d.indicators.flatMap(i => i.items))
    const best = c => c.choices.reduce((a, b) => (b.fraction > a.fraction ? b : a))
    const used = new Set()
    const pick = f => { const it = items.find(i => !used.has(i.id) && f(i)); if (it) used.add(it.id); return it }
    const na = pick(i => i.allow_na && !i.veto)
    const failCheck = pick(i => i.method === 'check' && !i.veto && i.hazard === 'general')
    const partLevel = pick(i => i.method === 'levels' && !i.veto && i.hazard === 'general' && i.control.choices.length > 2)
    const major = pick(i => !i.veto && i.hazard === 'major' && (i.method === 'check' || (i.method === 'ratio' && !i.control.entered && i.control.required >= 1)))
    expect(na && failCheck && partLevel && major, 'the checklist lacks an item kind the test needs')
    ctx.items = { na: na.id, failCheck: failCheck.id, partLevel: partLevel.id, major: major.id }
    let firstDeduct = true, firstEntered = true
    for (const it of items) {
      const c = it.control
      let a
      if (c.type === 'group') continue // scored from its sub-items, which follow
      if (it.id === na.id) a = { kind: 'na', value: ctx.checklist.na_value, note: '本校未设消防控制室，不适用' }
      else if (it.id === failCheck.id) a = { kind: 'choice', value: c.choices.find(x => x.fraction === 0).value, note: '现场未见相关文件' }
      else if (it.id === partLevel.id) a = { kind: 'choice', value: c.choices[1].value }
      else if (it.id === major.id) a = it.method === 'check' ? { kind: 'choice', value: c.choices.find(x => x.fraction === 0).value } : { kind: 'actual', value: String(c.required - 1) }
      else if (c.type === 'check' || c.type === 'levels') a = { kind: 'choice', value: best(c).value }
      else if (c.type === 'threshold') a = { kind: 'threshold', value: String(c.steps.find(s => s.fraction === 1).at) }
      else if (c.type === 'deduct' && c.reasons) a = { kind: 'reasons', value: '0', reasons: c.reasons.map(r => r.value) }
      else if (c.type === 'deduct' && c.value_format === 'actual') a = { kind: 'actual', value: String(c.required) }
      else if (c.type === 'deduct') { a = { kind: 'deduct', value: firstDeduct ? '1' : '0' }; firstDeduct = false }
      else if (c.type === 'ratio' && c.entered) { a = { kind: 'entered', value: firstEntered ? '18/20' : '20/20' }; firstEntered = false }
      else if (c.type === 'ratio') a = { kind: 'actual', value: String(c.required) }
      plan.push({ id: it.id, method: it.method, ...a })
    }
    expect(plan.some(a => a.kind === 'threshold') && plan.some(a => a.kind === 'deduct') && plan.some(a => a.kind === 'entered') && plan.some(a => a.kind === 'actual'),
      'the primary checklist should use every control: ' + [...new Set(plan.map(a => a.kind))].join(','))
    // The last three check/levels answers are given offline, later.
    ctx.offline = plan.filter(a => a.kind === 'choice' && !Object.values(ctx.items).includes(a.id)).slice(-3)
    await p.click('text=全部展开')
    for (const a of plan) {
      if (ctx.offline.includes(a)) continue
      await answer(p, a)
    }
    // A photo on the first item.
    const first = plan[0]
    const item = p.locator(`[data-item="${first.id}"]`)
    await item.locator('input[type=file]').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG })
    await item.locator('.thumb img').waitFor()
    for (let i = 0; i < 50; i++) {
      const r = await apiGet(p, `/assessments/${ctx.assessment}`)
      const got = r.body.answers.find(x => x.item === first.id)
      if (got && got.files.length === 1) { ctx.photo = got.files[0]; break }
      await sleep(200)
    }
    expect(ctx.photo, 'the photo was not attached to the answer')
    await shot(p, '04-inspector-answered')
  })

  await step('inspector: submitting with items missing lists them (422 details)', async () => {
    const p = pages.insp
    await allowing(p, [422], async () => {
      await p.click('[data-test=submit]')
      await p.click('.el-message-box .el-button--primary')
      await p.waitForSelector('[data-test=submit-error]')
    })
    const text = await p.textContent('[data-test=submit-error]')
    for (const a of ctx.offline) expect(text.includes(a.id), `the missing item ${a.id} is not listed: ${text.slice(0, 300)}`)
    await shot(p, '05-inspector-missing')
  })

  await step('inspector: offline answers are kept, shown as unsaved, saved after reconnecting (none lost or duplicated)', async () => {
    const p = pages.insp
    await p.context().setOffline(true)
    p.allowed.add('offline')
    try {
      for (const a of ctx.offline) await answer(p, a, false)
      await waitText(p, '[data-test=unsaved]', /^\s*3 条未保存/)
      await shot(p, '06-inspector-offline')
      const kept = await p.evaluate(id => Object.keys(JSON.parse(localStorage.getItem('schoolrisk.pending.' + id) || '{}')), ctx.assessment)
      expectEq(kept.sort().join(','), ctx.offline.map(a => a.id).sort().join(','), 'the answers kept in the browser')
      // Change one of them again while offline: the last answer wins.
      await p.context().setOffline(false)
    } finally { p.allowed.delete('offline') }
    await p.waitForSelector('[data-test=unsaved-none]', { timeout: 30000 })
    const r = await apiGet(p, `/assessments/${ctx.assessment}`)
    const ids = r.body.answers.map(a => a.item)
    expectEq(new Set(ids).size, ids.length, 'answers are not duplicated')
    for (const a of ctx.offline) {
      const got = r.body.answers.find(x => x.item === a.id)
      expect(got && got.value === a.value, `offline answer ${a.id} stored as ${got && got.value}, expected ${a.value}`)
    }
    expect(r.body.progress.complete, 'every applicable item is answered: ' + JSON.stringify(r.body.progress.missing))
  })

  await step('inspector: submits; the result (total, band, 达标, hazards, derivation) equals `schoolrisk score`', async () => {
    const p = pages.insp
    await p.click('[data-test=submit]')
    await p.click('.el-message-box .el-button--primary')
    await p.waitForSelector('[data-test=result-total]', { timeout: 30000 })
    await settle(p)
    const pageTotal = (await p.textContent('[data-test=result-total]')).trim()
    await shot(p, '07-inspector-result')
    await axe(p, '检查结果')
    // The same answers through the CLI.
    const dir = server.dir
    fs.writeFileSync(path.join(dir, 'school.school'), Object.entries(SCHOOL).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n')
    const q = s => (s && /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s || '')
    fs.writeFileSync(path.join(dir, 'responses.csv'), 'item,value,note\n' + plan.map(a => `${a.id},${q(a.value)},${q(a.note)}`).join('\n') + '\n')
    const out = JSON.parse(execFileSync(BIN, ['score', '--system', ctx.checklist.system, '--school', path.join(dir, 'school.school'),
      '--responses', path.join(dir, 'responses.csv'), '--json'], { env: ENV, encoding: 'utf8' }))
    expectEq(pageTotal, Number(out.total).toFixed(2), 'the page total against schoolrisk score')
    const formula = await p.textContent('[data-test=formula]')
    expect(formula.includes(Number(out.earned).toFixed(2)) && formula.includes(Number(out.max).toFixed(2)), 'the derivation shows earned and max: ' + formula)
    const band = await p.textContent('[data-test=result-band]')
    expect(band.includes(out.band_label), `band ${band} vs ${out.band_label}`)
    const rows = await p.locator('[data-test=derivation] .el-table__body tr').count()
    expect(rows >= plan.length - 1, `the derivation table has ${rows} rows`)
    const sub = (await apiGet(p, `/assessments/${ctx.assessment}`)).body
    ctx.hazards = Object.fromEntries(sub.hazards.map(h => [h.item, h.id]))
    for (const k of ['failCheck', 'partLevel', 'major']) expect(ctx.hazards[ctx.items[k]], `no hazard raised for ${k} ${ctx.items[k]}`)
  })

  await step('inspector: the checklist works at 768 px (tablet) and the menu collapses', async () => {
    const { page: p } = await userPage(browser, 'insp-tablet', { width: 768, height: 1024 })
    const s = state.insp
    // A second session of the same inspector.
    await p.goto(base + '#/login')
    await p.fill('input[data-test=login]', 'insp')
    await p.fill('input[data-test=password]', s.password)
    p.firstSession = false
    await p.click('[data-test=sign-in]')
    await p.waitForSelector('.layout')
    const r = await (await fetchAs(p, 'POST', '/assessments', { school: SCHOOL.code }))
    expect(r.status === 201, 'a new draft for the tablet view: ' + r.status)
    await go(p, base, `/assess/${r.body.assessment.id}`)
    await p.waitForSelector('[data-item]')
    const aside = await p.$eval('.aside', el => el.getBoundingClientRect().width)
    expect(aside < 70, 'the side menu is collapsed at 768 px: ' + aside)
    await shot(p, '08-inspector-checklist-768')
    await axe(p, '检查表 768px')
    await p.context().close()
  })

  // ------------------------------------------------------------------
  // The hazard loop
  // ------------------------------------------------------------------
  await step('district: 隐患台账 with counts per status; assigns three hazards (responsible, measures, deadline)', async () => {
    const p = await page('lixia')
    expect(p.url().includes('#/hazards'), 'the district lands on 隐患台账')
    await p.waitForSelector('[data-test=hazards] .el-table__body tr')
    await shot(p, '09-district-hazards')
    await axe(p, '隐患台账')
    const deadline = new Date(Date.now() + 30 * 86400e3 + 8 * 3600e3).toISOString().slice(0, 10)
    for (const k of ['failCheck', 'partLevel', 'major']) {
      const id = ctx.hazards[ctx.items[k]]
      await go(p, base, `/hazards/${id}`)
      await p.click('[data-test=act-assign]')
      await p.fill('.el-dialog input[data-test=responsible]', '王建国')
      await p.fill('.el-dialog textarea[data-test=measures]', '立即整改，补齐制度文件')
      const d = p.locator('.el-dialog input[placeholder="选择日期"]')
      await d.fill(deadline)
      await d.press('Enter')
      if (k === 'failCheck') await shot(p, '10-district-assign')
      await p.click('[data-test=action-confirm]')
      await waitText(p, '[data-test=hazard-status]', /整改中/)
    }
    await shot(p, '11-district-hazard-detail')
    await axe(p, '隐患详情')
  })

  await step('school: submits a rectification with before/after photos', async () => {
    const p = await page('yanxiang')
    expect(p.url().includes('#/school'), 'the school lands on 学校自查: ' + p.url())
    await settle(p)
    await shot(p, '12-school-home')
    await axe(p, '学校自查')
    await visit(p, '/hazards', '隐患整改')
    for (const k of ['failCheck', 'major']) {
      await go(p, base, `/hazards/${ctx.hazards[ctx.items[k]]}`)
      await p.click('[data-test=act-submit]')
      await p.fill('.el-dialog textarea[data-test=rectify-note]', '已补齐文件并组织学习')
      await p.locator('.el-dialog input[data-test=photo-before]').setInputFiles({ name: 'before.png', mimeType: 'image/png', buffer: PNG })
      await p.locator('.el-dialog .thumb').first().waitFor()
      await p.locator('.el-dialog input[data-test=photo-after]').setInputFiles({ name: 'after.png', mimeType: 'image/png', buffer: Buffer.concat([PNG, Buffer.from('after')]) })
      await p.waitForFunction(() => document.querySelectorAll('.el-dialog .thumb').length === 2)
      if (k === 'failCheck') await shot(p, '13-school-rectify')
      await p.click('[data-test=action-confirm]')
      await waitText(p, '[data-test=hazard-status]', /已整改待复查/)
    }
    await p.locator('[data-test=timeline] img').first().waitFor()
    await shot(p, '14-school-hazard-timeline')
    await visit(p, '/school/baseline', '四个100%（学校）')
    await p.waitForSelector('[data-test=baseline-elements]')
  })

  await step('school: starts its self-inspection with the same checklist; an answer is saved', async () => {
    const p = pages.yanxiang
    await go(p, base, '/school')
    await p.click('[data-test=start-self]')
    await p.waitForURL(/#\/assess\/\d+/)
    await p.waitForSelector('[data-item]')
    const id = Number(/assess\/(\d+)/.exec(p.url())[1])
    const a = (await apiGet(p, `/assessments/${id}`)).body.assessment
    expectEq(a.kind, 'self', 'the kind of the school assessment')
    const first = plan[0]
    await answer(p, first)
    const got = (await apiGet(p, `/assessments/${id}`)).body.answers
    expect(got.length === 1 && got[0].item === first.id, 'the self-inspection answer is stored')
    await shot(p, '14b-school-self-inspection')
    await axe(p, '学校自查检查表')
  })

  await step('district: the same user who submitted cannot verify (four eyes, shown in the dialog); a second user verifies', async () => {
    const p = pages.lixia
    const id = ctx.hazards[ctx.items.partLevel]
    await go(p, base, `/hazards/${id}`)
    await p.click('[data-test=act-submit]')
    await p.fill('.el-dialog textarea[data-test=rectify-note]', '区县督促整改完成')
    await p.click('[data-test=action-confirm]')
    await waitText(p, '[data-test=hazard-status]', /已整改待复查/)
    await allowing(p, [409, 422, 403], async () => {
      await p.click('[data-test=act-verify]')
      await p.click('[data-test=action-confirm]')
      await p.waitForSelector('[data-test=action-error]')
    })
    const msg = await p.textContent('[data-test=action-error]')
    expect(/four eyes|四眼|其他人|他人/.test(msg), 'the four-eyes message: ' + msg)
    await shot(p, '15-district-four-eyes')
    await p.keyboard.press('Escape')
    const q = await page('lixia2')
    for (const k of ['partLevel', 'failCheck', 'major']) {
      await go(q, base, `/hazards/${ctx.hazards[ctx.items[k]]}`)
      await q.click('[data-test=act-verify]')
      await q.click('[data-test=action-confirm]')
      await waitText(q, '[data-test=hazard-status]', k === 'major' ? /已整改待复查/ : /已销号/)
    }
    await q.waitForSelector('text=待市局销号')
  })

  await step('city: signs off the supervised hazard; the dashboard figures change', async () => {
    const p = pages.city
    await visit(p, '/signoff', '督办销号')
    const id = ctx.hazards[ctx.items.major]
    await p.waitForSelector(`[data-test=signoff-${id}]`)
    await p.click(`[data-test=signoff-${id}]`)
    await p.fill('.el-dialog textarea[data-test=review-note]', '同意销号')
    await p.click('[data-test=action-confirm]')
    await p.waitForSelector(`[data-test=signoff-${id}]`, { state: 'detached' })
    await visit(p, '/dashboard', '全市概览')
    await waitText(p, '[data-test=kpi-coverage]', /%/)
    // The city's figures are kept for a minute after a write (cache.c):
    // the page says when they were computed, and 刷新 asks for new ones.
    await waitText(p, '[data-test=dash-computed]', /^统计于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}。/)
    await Promise.all([
      p.waitForResponse(r => /\/api\/v1\/dashboard\?.*fresh=1/.test(r.url()) && r.status() === 200),
      p.click('[data-test=dash-refresh]')
    ])
    await p.waitForSelector('[data-test=dash-refresh].is-loading', { state: 'detached' })
    await p.waitForSelector('canvas')
    const coverage = (await p.textContent('[data-test=kpi-coverage]')).trim()
    const dash = (await apiGet(p, '/dashboard')).body
    ctx.dash = dash
    expect(coverage !== ctx.coverageBefore, `评估覆盖率 did not change: ${ctx.coverageBefore} → ${coverage}`)
    expectEq(coverage, dash.total.coverage.percent.toFixed(1) + '%', 'the coverage card shows the API figure')
    expect(dash.total.hazards.found > ctx.dashBefore.total.hazards.found, 'hazards found went up')
    expect(dash.total.hazards.closed > ctx.dashBefore.total.hazards.closed, 'hazards closed went up')
    await p.screenshot({ path: path.join(SHOTS, '16-city-dashboard.png'), fullPage: true })
    const h = (await apiGet(p, `/hazards/${id}`)).body.hazard
    expectEq(h.status, 'closed', 'the supervised hazard after the sign-off')
  })

  await step('city: downloads the city workbook; its 区县汇总 matches the dashboard', async () => {
    const p = pages.city
    await visit(p, '/reports', '报表下载')
    const [dl] = await Promise.all([p.waitForEvent('download'), p.click('[data-test=download-city]')])
    const name = dl.suggestedFilename()
    expect(/^全市-\d{4}Q\d\.xlsx$/.test(name), 'the workbook keeps its Chinese name: ' + name)
    const file = path.join(server.dir, name)
    await dl.saveAs(file)
    const rows = JSON.parse(execFileSync('/usr/bin/python3', ['-c', `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
ws = wb['区县汇总']
rows = list(ws.iter_rows(values_only=True))
# The layout's title and 填报单位 stand above the table.
top = next(i for i, r in enumerate(rows) if '区县' in r)
head = list(rows[top])
out = {}
for r in rows[top + 1:]:
    if r[1] and r[1] not in out: out[r[1]] = dict(zip(head, r))
print(json.dumps(out, ensure_ascii=False, default=str))
`, file], { encoding: 'utf8' }))
    for (const d of ctx.dash.districts) {
      const w = rows[d.name]
      expect(w, `${d.name} is not in the workbook`)
      expectEq(w['学校数'], d.kpis.schools, `${d.name} 学校数`)
      expectEq(w['已评估'], d.kpis.assessed, `${d.name} 已评估`)
      expectEq(w['达标数'], d.kpis.compliant, `${d.name} 达标数`)
      expectEq(w['隐患发现数'], d.kpis.hazards.found, `${d.name} 隐患发现数`)
      expectEq(w['隐患销号数'], d.kpis.hazards.closed, `${d.name} 隐患销号数`)
      expectEq(w['逾期隐患'], d.kpis.hazards.overdue, `${d.name} 逾期隐患`)
      expectEq(w['达标率排名'], d.rank, `${d.name} rank`)
    }
    const lx = ctx.dash.districts.find(d => d.name === '历下区')
    expect(lx.kpis.assessed === 1, '历下区 has the one inspection')
  })

  await step('city: drill-down to a district and a school; 指标体系 tree and an invalid XML with its line numbers; 审计校验', async () => {
    const p = pages.city
    await visit(p, '/dashboard', null)
    await p.click('[data-test=district-370102]')
    await p.waitForSelector('[data-test=kpis]')
    await settle(p)
    await shot(p, '17-city-district')
    await axe(p, '区县概况')
    await visit(p, `/schools/${SCHOOL.code}`, '学校详情')
    await visit(p, '/systems', '指标体系')
    await p.click('[data-test=systems] .el-button--primary >> nth=0')
    await p.waitForSelector('[data-test=system-tree] .el-tree-node')
    await shot(p, '18-city-system-tree')
    await p.keyboard.press('Escape')
    await p.click('[data-test=open-upload]')
    const bad = '<?xml version="1.0" encoding="UTF-8"?>\n<system id="x" version="1">\n  <title>坏的体系</title>\n  <dimension>\n</system>\n'
    await p.locator('input[data-test=system-file]').setInputFiles({ name: 'bad.xml', mimeType: 'application/xml', buffer: Buffer.from(bad) })
    await allowing(p, [422, 400], async () => {
      await p.click('[data-test=do-upload]')
      await p.waitForSelector('[data-test=upload-error]')
    })
    const lines = await p.locator('[data-test=upload-lines] .el-table__body tr').count()
    expect(lines >= 1, 'the validation errors are listed with their lines')
    await shot(p, '19-city-system-upload-errors')
    await p.keyboard.press('Escape')
    await visit(p, '/audit', null)
    await p.click('[data-test=audit-verify]')
    await p.waitForSelector('[data-test=audit-result]')
    expect((await p.textContent('[data-test=audit-result]')).includes('审计链完整'), 'the audit chain is intact')
    await shot(p, '20-city-audit')
    await axe(p, '审计校验')
  })

  await step('district: 学校名录 (paged), a CSV with bad lines shows each line, 四个100%, 报表下载; another district\'s school cannot be reached', async () => {
    const p = pages.lixia
    await visit(p, '/schools', '学校名录')
    await p.waitForSelector('[data-test=schools] .el-table__body tr')
    const names = await p.locator('[data-test=schools] .el-table__body').textContent()
    expect(names.includes('燕翔小学') && !names.includes('舜耕中学') && !names.includes('茶业口'), 'only 历下区 schools are listed')
    await p.click('[data-test=open-import]')
    const csv = REGISTRY.split('\n')[0] + '\n2137010299,济南市历下区新建小学,历下区,小学,公办,城区,否,否,是,否,否,abc,0,0,张三,0531-1\n2137010398,济南市市中区某小学,市中区,小学,公办,城区,否,否,是,否,否,100,0,0,李四,0531-2\n'
    await p.locator('input[data-test=import-file]').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await allowing(p, [422, 400, 403], async () => {
      await p.click('[data-test=do-import]')
      await p.waitForSelector('[data-test=import-error]')
    })
    const bad = await p.locator('[data-test=import-lines] .el-table__body tr').count()
    expect(bad >= 1, 'the bad lines are listed')
    await shot(p, '21-district-import-errors')
    await p.keyboard.press('Escape')
    await visit(p, '/baseline', '四个100%')
    await p.waitForSelector('[data-test=baseline-schools] .el-table__body tr')
    await visit(p, '/reports', '报表下载（区县）')
    const href = await p.getAttribute('[data-test=download-district]', 'href')
    expect(/reports\/districts\/370102\?period=/.test(href), 'the district workbook link: ' + href)
    const [dl] = await Promise.all([p.waitForEvent('download'), p.click('[data-test=download-district]')])
    expect(/^历下区-.*\.xlsx$/.test(dl.suggestedFilename()), 'the district workbook name: ' + dl.suggestedFilename())
    // By editing the URL.
    await allowing(p, [404, 403], async () => {
      await go(p, base, '/schools/2137010301')
      await p.waitForSelector('[data-test=school-error]')
      expect(!(await p.textContent('body')).includes('舜耕中学'), 'another district\'s school is not shown')
      await go(p, base, '/districts/370103')
      await p.waitForSelector('[data-test=district-error]')
    })
    await shot(p, '22-district-foreign-school')
  })

  await step('admin: 用户管理 (a reset shows the one-time password once), 安全日志 with filters', async () => {
    const p = await page('admin')
    expect(p.url().includes('#/admin/users'), 'the administrator lands on 用户管理')
    await p.waitForSelector('[data-test=users] .el-table__body tr')
    await shot(p, '23-admin-users')
    await axe(p, '用户管理')
    await p.click('[data-test=reset-lixia]')
    await p.click('.el-message-box .el-button--primary')
    await p.waitForSelector('[data-test=one-time-password]')
    const pw = (await p.textContent('[data-test=one-time-password]')).trim()
    expect(/^[A-Za-z0-9]{16}$/.test(pw), 'a one-time password: ' + pw)
    await shot(p, '24-admin-one-time-password')
    await p.click('.el-dialog__footer .el-button--primary')
    await visit(p, '/admin/log', '安全日志')
    await p.waitForSelector('[data-test=security-log] .el-table__body tr')
    // Business pages are not offered to the administrator.
    await go(p, base, '/hazards')
    expect(p.url().includes('#/admin/users'), 'the administrator is sent back from 隐患台账: ' + p.url())
  })

  await step('修改密码 and 退出 from the top bar', async () => {
    const p = pages.yanxiang
    await visit(p, '/password', '修改密码')
    await p.click('[data-test=logout]')
    await p.waitForSelector('input[data-test=login]')
    const r = await allowing(p, [401], () => apiGet(p, '/session'))
    expectEq(r.status, 401, 'signed out')
  })

  await step('inspector: a format-2 table: levels show their points; a deduction by reason takes a count per reason, shows the deduction live and is saved', async () => {
    const p = pages.insp
    await go(p, base, '/tasks')
    await p.click(`[data-test=start-${JUNIOR}]`)
    await p.waitForURL(/#\/assess\/\d+/)
    const id = Number(/assess\/(\d+)/.exec(p.url())[1])
    await p.waitForSelector('[data-item]')
    await settle(p)
    const expand = p.locator('button', { hasText: '全部展开' })
    if (await expand.count()) await expand.first().click()
    const levels = (await p.locator('[data-item="S.1.1"] .el-radio-button').allTextContents()).map(x => x.trim())
    expectEq(levels.join('|'), '符合（15分）|基本符合（10分）|部分符合（5分）|不符合（0分）', 'S.1.1 levels')
    const s12 = (await p.locator('[data-item="S.1.2"] .el-radio-button').allTextContents()).map(x => x.trim())
    expectEq(s12.join('|'), '符合|基本符合·无隐患|不符合·重大隐患', 'S.1.2 levels with their hazards')
    const live = '[data-item="S.1.5"] [data-test=deduct-live]'
    await waitText(p, live, /逐项填写发现的问题数（未发现填 0），满分 20 分/)
    const item = p.locator('[data-item="S.1.5"]')
    await item.scrollIntoViewIfNeeded()
    await fillNum(item.locator('[data-test="reason-灭火器过期"] input').first(), 5)
    await waitText(p, live, /^扣 5 分（灭火器过期 5×1），得 15 分$/)
    await fillNum(item.locator('[data-test="reason-疏散通道堵塞"] input').first(), 4)
    await fillNum(item.locator('[data-test="reason-应急照明损坏"] input').first(), 4)
    await waitText(p, live, /^扣 15 分（灭火器过期 5×1 \+ 疏散通道堵塞 4×2 \+ 应急照明损坏 4×0\.5），得 5 分$/)
    let got
    for (let i = 0; i < 50; i++) {
      const r = await apiGet(p, `/assessments/${id}`)
      got = r.body.answers.find(x => x.item === 'S.1.5')
      if (got && got.value === '灭火器过期=5;疏散通道堵塞=4;应急照明损坏=4') break
      await sleep(200)
    }
    expectEq(got && got.value, '灭火器过期=5;疏散通道堵塞=4;应急照明损坏=4', 'the answer saved by reason')
    await waitText(p, '[data-item="S.1.5"] .state', /已保存/)
    await fillNum(item.locator('[data-test="reason-疏散通道堵塞"] input').first(), 11)
    await waitText(p, live, /^扣 29 分（.*），得 0 分（扣完为止）$/)
    await shot(p, '25-inspector-format2-reasons')
    await axe(p, '检查表（格式2）')
    // The saved answer comes back into the controls.
    await p.reload()
    await p.waitForSelector('[data-item]')
    await settle(p)
    if (await expand.count()) await expand.first().click()
    await waitText(p, live, /^扣 29 分（灭火器过期 5×1 \+ 疏散通道堵塞 11×2 \+ 应急照明损坏 4×0\.5），得 0 分（扣完为止）$/)
  })

  await step('inspector: a format-2 table of groups: a group is scored from its sub-items, a shortfall asks the actual number against the required one, items of the evaluator and bonus items are marked', async () => {
    const p = pages.insp
    await go(p, base, '/tasks')
    await p.click(`[data-test=start-${SENIOR}]`)
    await p.waitForURL(/#\/assess\/\d+/)
    const id = Number(/assess\/(\d+)/.exec(p.url())[1])
    await p.waitForSelector('[data-item]')
    await settle(p)
    const expand = p.locator('button', { hasText: '全部展开' })
    if (await expand.count()) await expand.first().click()
    // The group: no control of its own.
    await waitText(p, '[data-item="S.1.1"] [data-test=group]', /^本项为检查组，由下列子项的检查结果计分，无需单独填写$/)
    expectEq(await p.locator('[data-item="S.1.1"] input').count(), 0, 'the group has no input')
    await waitText(p, '[data-item="S.1.1.1"] [data-test=member]', /^检查组 S\.1\.1 的子项$/)
    await waitText(p, '[data-item="S.1.1.1"] [data-test=zeroes]', /^缺失则本组得0分$/)
    expectEq(await p.locator('[data-item="S.1.1.2"] [data-test=zeroes]').count(), 0, 'only 门卫制度 zeroes the group')
    await waitText(p, '[data-item="S.1.4"] [data-test=evaluator]', /^评估组评分$/)
    await waitText(p, '[data-item="X.1.1"] [data-test=bonus]', /^附加分$/)
    // The shortfall: 4 guards required for 2,450 pupils; 2 of them.
    const item = p.locator('[data-item="S.1.3"]')
    await item.scrollIntoViewIfNeeded()
    expect((await item.locator('.meta').textContent()).includes('按缺额扣分'), 'S.1.3 is a deduction by shortfall')
    await waitText(p, '[data-item="S.1.3"] [data-test=required-shown]', /^应配 4 人（按在校生数计算，每少1人扣 5 分，扣完为止）$/)
    await fillNum(item.locator('[data-test=actual] input, input[data-test=actual]').first(), 2)
    await waitText(p, '[data-item="S.1.3"] [data-test=shortfall-live]', /^少 2 人，扣 10 分，得 5 分$/)
    let got
    for (let i = 0; i < 50; i++) {
      const r = await apiGet(p, `/assessments/${id}`)
      got = r.body.answers.find(x => x.item === 'S.1.3')
      if (got && got.value === '2') break
      await sleep(200)
    }
    expectEq(got && got.value, '2', 'the actual number saved')
    await shot(p, '26-inspector-format2-groups')
    await axe(p, '检查表（格式2 检查组）')
  })

  // The pages of issue 12, on a server of their own (issue12.mjs).
  await issue12(browser)

  await step('no console errors on any page', async () => {
    expect(consoleErrors.length === 0, 'console errors:\n  ' + consoleErrors.join('\n  '))
  })
  await step('axe-core: no critical or serious finding on any page', async () => {
    expect(axeFindings.length === 0, axeFindings.length + ' findings:\n  ' + axeFindings.join('\n  '))
  })
} catch (e) {
  if (String(e && e.message) !== 'stop') await step('the run', async () => { throw e })
} finally {
  if (browser) await browser.close().catch(() => {})
  if (server) {
    await step('the server stops cleanly (no sanitizer report)', () => server.stop())
    if (!process.env.SR_KEEP) server.cleanup()
  }
  console.log(`screenshots: ${SHOTS}`)
  process.exit(summary() ? 1 : 0)
}

/** Answer one item through its control and wait for it to be saved. */
async function answer(p, a, wait = true) {
  const item = p.locator(`[data-item="${a.id}"]`)
  await item.scrollIntoViewIfNeeded()
  if (a.kind === 'choice') {
    await item.locator('.el-radio-button', { hasText: new RegExp('^\\s*' + a.value + '\\s*$') }).click()
  } else if (a.kind === 'threshold' || a.kind === 'deduct') {
    await fillNum(item.locator(`[data-test=${a.kind}] input, input[data-test=${a.kind}]`).first(), a.value)
  } else if (a.kind === 'actual') {
    const shown = await item.locator('[data-test=required-shown] strong').textContent()
    expect(Number(shown) >= Number(a.value), `the required number is shown (${shown})`)
    await fillNum(item.locator('[data-test=actual] input, input[data-test=actual]').first(), a.value)
  } else if (a.kind === 'reasons') {
    // format 2: a count per deduction reason, none found
    for (const r of a.reasons) await fillNum(item.locator(`[data-test="reason-${r}"] input`).first(), 0)
  } else if (a.kind === 'entered') {
    const [x, y] = a.value.split('/')
    await fillNum(item.locator('[data-test=actual] input, input[data-test=actual]').first(), x)
    await fillNum(item.locator('[data-test=required] input, input[data-test=required]').first(), y)
  } else if (a.kind === 'na') {
    await item.locator('.el-checkbox').click()
    const note = item.locator('textarea')
    await note.fill(a.note)
    await note.press('Tab')
  }
  if (a.note && a.kind !== 'na') {
    const note = item.locator('textarea')
    await note.fill(a.note)
    await note.press('Tab')
  }
  if (wait) await waitText(p, `[data-item="${a.id}"] .state`, /已保存/)
}

async function fillNum(input, v) {
  await input.fill(String(v))
  await input.press('Tab')
}

async function fetchAs(p, method, path, body) {
  return p.evaluate(async ([method, path, body]) => {
    const s = await (await fetch('api/v1/session')).json()
    const r = await fetch('api/v1' + path, { method, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf }, body: JSON.stringify(body) })
    return { status: r.status, body: await r.json() }
  }, [method, path, body])
}
