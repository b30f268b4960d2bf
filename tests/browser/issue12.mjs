// issue12.mjs - the browser steps for the pages of issue 12 (安全专家库,
// 期末签批, 通报, 整改预测, 未评估 on the four-100% pages, and 检查计划:
// inspectionPlanSteps below), called by
// run.mjs after the main path.  They run against a server and database of
// their own, so that every figure the pages show is known exactly:
//
//   历下区  2137010231 燕翔小学    primary  inspected in the last quarter, all passed
//           2137010232 甸柳一小    primary  inspected then, 安全管理制度 failed (30 points)
//           2137010251 燕山中学    junior   inspected then, the veto item failed
//   市中区  2137010302 舜耕小学    primary  inspected then, all passed
//   莱芜区  2137163308 茶业口中学  junior   not inspected in the last quarter;
//                                          the expert zj01 inspects it today
//
// Primary schools are scored by tests/fixtures/unassessed/table.xml, whose
// system declares 护学岗 unassessed (baseline-unassessed); junior schools by
// the same table with a veto item added.  Last month 甸柳一小 had three
// hazards recorded through the CLI on a pinned clock: one left past its
// deadline, one closed, one major.  So the last quarter ranks 市中区 (1/1
// compliant), 历下区 (1/3), 莱芜区 (0/1); last month's dispatch of 历下区
// shows 3 found, 1 closed, 1 newly overdue; closing 燕山中学's veto hazard
// takes 历下区 from 1/3 to 2/3 compliant.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {
  BIN, SRC, ENV, SHOTS, Server, step, expect, expectEq, userPage, axe, settle, go, apiGet, waitText, signIn, sleep
} from './lib.mjs'

const REGISTRY = `学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,游泳池,在校生数,住宿生数,特殊需要学生数,安全负责人,联系电话
2137010231,济南市历下区燕翔小学,历下区,小学,公办,城区,否,否,是,是,否,1860,0,6,王建国,0531-86010231
2137010232,济南市历下区甸柳第一小学,历下区,小学,公办,城区,否,否,是,否,否,980,0,2,赵敏,0531-86010232
2137010251,济南市历下区燕山中学,历下区,初中,公办,城区,否,否,是,是,否,1200,0,3,钱进,0531-86010251
2137010302,济南市市中区舜耕小学,市中区,小学,公办,城区,否,否,是,否,否,900,0,1,孙立,0531-82010302
2137163308,济南市莱芜区茶业口镇中心中学,莱芜区,初中,公办,乡村,是,是,是,是,否,620,410,3,李红梅,0634-6163308
`
const YANXIANG = '2137010231', DIANLIU = '2137010232', YANSHAN = '2137010251', SHUNGENG = '2137010302', CHAYE = '2137163308'
const USERS = [
  ['city', '市局安全处', 'city', null, null],
  ['lixia', '历下区教体局', 'district', '历下区', null],
  ['yanxiang', '燕翔小学安全员', 'school', null, YANXIANG],
  ['zj01', '王安全', 'inspector', null, CHAYE],
  ['zj02', '李食品', 'inspector', '历下区', null],
  ['zj03', '赵交通', 'inspector', '市中区', null],
  ['zj04', '钱老专家', 'inspector', '市中区', null],
  ['zj05', '孙新专家', 'inspector', '市中区', null]
]
const UNASSESSED = path.join(SRC, 'tests', 'fixtures', 'unassessed', 'table.xml')
// The same table for junior schools, with a veto item (校舍安全).
const JUNIOR = fs.readFileSync(UNASSESSED, 'utf8')
  .replace('id="noposts"', 'id="veto-junior"').replace('<stage>primary</stage>', '<stage>junior</stage>')
  .replace('title="无护学岗项的小学安全评估表"', 'title="初中安全评估表（含否决项）"')
  .replace('<dimension id="S" title="安全管理">', `<dimension id="P" title="前置条件">
    <indicator id="P.1" title="一票否决项">
      <item id="P.1.1" points="0" method="check" veto="true">
        <title>校舍经鉴定安全</title>
      </item>
    </indicator>
  </dimension>
  <dimension id="S" title="安全管理">`)
const ALL_PASS = { 'S.1.1': 'pass', 'B.1.1': 'pass', 'B.1.2': 'pass', 'B.1.3': 'pass' }

// ------------------------------------------------------------------
// China dates: today, the last month and the last quarter that ended
// (what 通报 and 期末签批 show by default).
// ------------------------------------------------------------------
const DAY = 86400e3
const iso = t => new Date(t).toISOString().slice(0, 10)
const addDays = (d, n) => iso(Date.parse(d + 'T00:00:00Z') + n * DAY)
function periods() {
  const today = iso(Date.now() + 8 * 3600e3)
  const y = Number(today.slice(0, 4)), m = Number(today.slice(5, 7))
  const monthEnd = addDays(today.slice(0, 8) + '01', -1)
  const qs = Math.floor((m - 1) / 3) * 3 + 1            // this quarter's first month
  const qStartThis = `${y}-${String(qs).padStart(2, '0')}-01`
  const qEnd = addDays(qStartThis, -1)
  const qy = Number(qEnd.slice(0, 4)), qm = Number(qEnd.slice(5, 7))
  return {
    today,
    month: { label: monthEnd.slice(0, 7), start: monthEnd.slice(0, 8) + '01', end: monthEnd },
    quarter: { label: `${qy}Q${qm / 3}`, start: `${qy}-${String(qm - 2).padStart(2, '0')}-01`, end: qEnd }
  }
}

// This quarter (China time): what 检查计划 plans, as the dialog names it.
function thisQuarter() {
  const today = iso(Date.now() + 8 * 3600e3)
  const y = Number(today.slice(0, 4)), q = Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1
  const start = `${y}-${String(q * 3 - 2).padStart(2, '0')}-01`
  const end = addDays(q === 4 ? `${y + 1}-01-01` : `${y}-${String(q * 3 + 1).padStart(2, '0')}-01`, -1)
  return { value: `${y}Q${q}`, label: `${y}年第${'一二三四'[q - 1]}季度`, start, end }
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

export async function issue12(browser) {
  const P = periods()
  const state = {}, pages = {}, ctx = {}
  let server, base

  function cliAt(day, ...args) {
    return execFileSync(BIN, [...args, '--db', server.db], {
      env: { ...ENV, SCHOOLRISK_CLOCK: day + 'T02:00:00Z' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']
    })
  }
  // An assessment through the CLI on a pinned day: answers default to
  // passed, the veto item too for junior schools.
  function inspectAt(day, school, answers, self = false) {
    const args = ['assess', 'new', '--school', school, '--date', day, '--by', '张检查员']
    if (self) args.push('--self')
    const id = cliAt(day, ...args).trim()
    const all = { ...ALL_PASS, ...(school === YANSHAN || school === CHAYE ? { 'P.1.1': 'pass' } : {}), ...answers }
    const csv = path.join(server.dir, `a${id}.csv`)
    fs.writeFileSync(csv, 'item,value,note\n' + Object.entries(all).map(([k, v]) => `${k},${v},`).join('\n') + '\n')
    cliAt(day, 'assess', 'import', id, csv, '--by', '张检查员')
    cliAt(day, 'assess', 'submit', id, '--by', '张检查员')
    return Number(id)
  }
  const hazardId = out => Number(/hazard (\d+)/.exec(out)[1])

  async function page(who) {
    if (!pages[who]) {
      pages[who] = (await userPage(browser, 'issue12 ' + who)).page
      await signIn(pages[who], base, who, state)
      await settle(pages[who])
    }
    return pages[who]
  }
  // Open a page afresh (a page already open is reloaded: the hash alone
  // would not fetch its data again).
  async function visit(p, hash) {
    if (p.url() === base + '#' + hash) {
      await p.reload()
      await settle(p)
    } else await go(p, base, hash)
  }
  // The whole page: these pages are longer than the window.
  async function shot(p, name) {
    await sleep(400)
    fs.mkdirSync(SHOTS, { recursive: true })
    await p.screenshot({ path: path.join(SHOTS, name + '.png'), fullPage: true })
  }
  async function send(p, method, url, body) {
    return p.evaluate(async ([method, url, body]) => {
      const s = await (await fetch('api/v1/session')).json()
      const r = await fetch('api/v1' + url, { method, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf }, body: body ? JSON.stringify(body) : undefined })
      const t = await r.text()
      return { status: r.status, body: t ? JSON.parse(t) : null }
    }, [method, url, body])
  }
  // Every column of the table is in view at 1366 px: none scrolled off.
  async function fits(p, table) {
    const w = await p.$eval(`[data-test=${table}] .el-table__body-wrapper .el-scrollbar__wrap`, el => [el.scrollWidth, el.clientWidth])
    expect(w[0] <= w[1], `${table} is wider than its card (${w[0]} > ${w[1]} px)`)
  }
  const rowOf = (p, table, text) => p.locator(`[data-test=${table}] .el-table__body tr`, { hasText: text })
  const cells = async row => (await row.locator('td').allTextContents()).map(s => s.replace(/\s+/g, ' ').trim())
  // The workbook as rows per sheet (the reader of the unit tests).
  function readXlsx(file) {
    return JSON.parse(execFileSync('/usr/bin/python3', ['-c', `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
print(json.dumps({ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb}, ensure_ascii=False, default=str))
`, file], { encoding: 'utf8' }))
  }
  async function download(p, selector) {
    const href = await p.getAttribute(selector, 'href')
    const head = await p.evaluate(async h => {
      const r = await fetch(h)
      return { status: r.status, type: r.headers.get('content-type') }
    }, href)
    expectEq(head.status, 200, `GET ${href}`)
    expectEq(head.type, XLSX, `the content type of ${href}`)
    const [dl] = await Promise.all([p.waitForEvent('download'), p.click(selector)])
    const file = path.join(server.dir, dl.suggestedFilename())
    await dl.saveAs(file)
    return { name: dl.suggestedFilename(), rows: readXlsx(file) }
  }

  // ------------------------------------------------------------------
  // 检查计划 (the inspection plan of this quarter, made through the pages).
  // 历下区 plans its three schools with 抽查比例 100%, 专家抽取比例 100%,
  // a cap of one school per expert and the seed 20261201, so the seed
  // changes nothing that the steps check: none of the three is 必检 (each
  // was inspected on the last quarter's 10th day, valid 12 months), all
  // three are 抽查; the risk order puts 燕山中学 (its inspection vetoed)
  // first, then 甸柳一小 (failed 安全管理制度, a major hazard open), then
  // 燕翔小学.  Every school needs 食品 (all have a canteen): the first
  // takes zj02 (李食品, the only one covering it), the cap leaves zj01 and
  // zj03 for the others, covering no need, the least loaded then by
  // login: zj01 (王安全) inspects 甸柳一小, zj03 燕翔小学.  zj04's
  // certificate has lapsed; zj05 covers no need and comes after zj03.
  // ------------------------------------------------------------------
  async function inspectionPlanSteps() {
    const SEED = '20261201'
    const quarter = thisQuarter()
    const plan = {}
    const schoolsOrder = ['济南市历下区燕山中学', '济南市历下区甸柳第一小学', '济南市历下区燕翔小学']
    const pairsExpected = [['济南市历下区燕山中学', '李食品', 'zj02'], ['济南市历下区甸柳第一小学', '王安全', 'zj01'], ['济南市历下区燕翔小学', '赵交通', 'zj03']]

    await step(`issue 12 检查计划 (district): 新建计划 for ${quarter.value} with the seed ${SEED}; the draft shows the seed, the schools in risk order, the pairs with 指派理由`, async () => {
      const p = pages.lixia
      await visit(p, '/plans')
      await p.waitForSelector('[data-test=plans]')
      await p.click('[data-test=plan-create]')
      const dlg = p.locator('.el-dialog', { hasText: '新建检查计划' })
      await dlg.waitFor()
      await p.waitForFunction(() => /历下区/.test(document.querySelector('[data-test=pc-district]')?.closest('.el-select')?.textContent || ''), null, { timeout: 10000 })
      await dlg.locator('.el-form-item', { hasText: '期间' }).locator('.el-select').click()
      await p.locator('.el-select-dropdown__item:visible', { hasText: new RegExp('^' + quarter.label + '$') }).click()
      for (const [test, v] of [['pc-school-share', '100'], ['pc-expert-share', '100'], ['pc-cap', '1']]) {
        const input = dlg.locator(`[data-test=${test}] input`)
        await input.fill(v)
        await input.press('Tab')
      }
      await dlg.locator('input[data-test=pc-seed]').fill(SEED)
      await shot(p, '56-plan-create-dialog')
      await axe(p, '检查计划 新建计划')
      await p.click('[data-test=pc-save]')
      await dlg.waitFor({ state: 'hidden' })
      await p.waitForURL(/#\/plans\/\d+$/)
      plan.id = Number(/#\/plans\/(\d+)$/.exec(p.url())[1])
      plan.label = `${quarter.value} 历下区 #${plan.id}`
      await p.waitForSelector('[data-test=plan-schools] .el-table__body tr')
      await settle(p)
      expectEq((await p.textContent('h1')).trim(), `检查计划 ${plan.label}`, 'the title')
      expectEq((await p.textContent('.toolbar .el-tag')).trim(), '草稿', 'the state before publishing')
      expectEq((await p.textContent('[data-test=plan-seed] .seed-value')).trim(), SEED, '随机种子')
      expect((await p.textContent('[data-test=plan-seed]')).includes(`以种子 ${SEED} 初始化`), 'the seed in the explanation')
      // The schools in risk order, with their factors.
      const rows = p.locator('[data-test=plan-schools] .el-table__body-wrapper .el-table__body tr')
      expectEq(await rows.count(), 3, 'three schools planned')
      const got = []
      for (let i = 0; i < 3; i++) got.push(await cells(rows.nth(i)))
      // 序, 学校, 类别, 否决, 风险等级, 逾期重大隐患, 未整改重大隐患, 寄宿生, 特殊需要学生, 幼儿园, 在校生, 距上次检查天数, 检查专家
      expectEq(got.map(r => r[0] + ' ' + r[1].replace(/\d{10}.*$/, '')).join(' / '),
        schoolsOrder.map((n, i) => `${i + 1} ${n}`).join(' / '), 'the risk order')
      const days = String((Date.parse(P.today) - Date.parse(addDays(P.quarter.start, 9))) / DAY)
      expectEq([got[0][1], ...got[0].slice(2, 4), ...got[0].slice(5, 13)].join('|'),
        `济南市历下区燕山中学${YANSHAN} · 历下区|抽查|是|0|1|0|3|否|1200|${days}|李食品`, 'the first row: 燕山中学, 抽查, vetoed, its veto hazard open, its factors and expert')
      expect(got.every(r => r[2] === '抽查'), 'all three drawn (抽查): ' + got.map(r => r[2]).join(','))
      expectEq(got[1].slice(5, 7).join('|'), '0|1', '甸柳一小: no overdue major hazard, one open')
      // The pairs and why.
      const pairRows = p.locator('[data-test=plan-pairs] .el-table__body tr')
      expectEq(await pairRows.count(), 3, 'three pairs')
      plan.why = {}
      for (let i = 0; i < 3; i++) {
        const r = await cells(pairRows.nth(i))
        const [name, expert, login] = pairsExpected[i]
        expectEq(r[0], `${name}第 ${i + 1} 位 · ${[YANSHAN, DIANLIU, YANXIANG][i]}`, `pair ${i + 1}: the school`)
        expectEq(r[1], expert + login, `pair ${i + 1}: the expert`)
        expectEq(r[2], ['食品、实验室危化品', '食品', '食品、实验室危化品'][i], `pair ${i + 1}: 所需专业`)
        expect(/负荷 0→1/.test(r[3]), `pair ${i + 1}: the why gives the load: ${r[3]}`)
        plan.why[login] = r[3]
      }
      // No expert covers 实验室危化品: the why names it.
      expectEq(plan.why.zj02, '覆盖 食品，未覆盖 实验室危化品（可选专家中无人覆盖）；回避：非本单位；负荷 0→1', 'zj02\'s why')
      // zj02, the only one covering 食品, is at the cap: zj01's why says so.
      expectEq(plan.why.zj01, '覆盖 无，未覆盖 食品（可选专家中无人覆盖）；回避：非本单位；负荷 0→1', 'zj01\'s why')
      const api = (await apiGet(p, `/plans/${plan.id}`)).body
      expectEq(api.seed, SEED, 'the seed in the API')
      expectEq(api.state, 'draft', 'the state in the API')
      await shot(p, '57-plan-draft')
      await axe(p, '检查计划（草稿）')
    })
    if (!plan.id) return

    await step('issue 12 检查计划 (district): 发布计划 through the confirm dialog; the tag shows 已发布 and the progress card 完成 0 / 应检 3', async () => {
      const p = pages.lixia
      await p.click('[data-test=plan-publish]')
      const box = p.locator('.el-message-box', { hasText: '发布检查计划' })
      await box.waitFor()
      expect((await box.textContent()).includes('不可再更改'), 'the confirm says it cannot change')
      await box.locator('.el-button--primary', { hasText: '发布' }).click()
      await p.waitForSelector('[data-test=plan-progress]')
      await waitText(p, '.toolbar .el-tag', /已发布/)
      expectEq(await p.locator('[data-test=plan-publish]').count(), 0, 'no 发布计划 button once published')
      const counts = (await p.locator('[data-test=plan-progress] .counts > span').allTextContents()).map(t => t.replace(/\s+/g, ' ').trim())
      expectEq(counts.join('|'), '完成 0|待检 3|逾期 0|应检 3', 'the progress card')
      expectEq((await apiGet(p, `/plans/${plan.id}`)).body.state, 'published', 'the state in the API')
      // Every column, 进度 included, is in view at 1366 px.
      await fits(p, 'plan-schools')
      await shot(p, '57b-plan-published')
    })

    await step('issue 12 检查计划 (expert zj01): 我的任务 shows the 检查计划任务 card with 甸柳一小 and why; 开始检查 opens the checklist labelled with the plan', async () => {
      const p = await page('zj01')
      await visit(p, '/tasks')
      await p.waitForSelector('[data-test=task-plan] .el-table__body tr')
      await settle(p)
      const card = p.locator('[data-test=task-plan]')
      expect((await card.locator('.card-head').textContent()).includes('检查计划指派给您的学校（0/1 已完成）'), 'the card head: ' + await card.locator('.card-head').textContent())
      const rows = card.locator('.el-table__body-wrapper .el-table__body tr')
      expectEq(await rows.count(), 1, 'one assignment')
      const r = await cells(rows.first())
      expectEq(r[0], `济南市历下区甸柳第一小学${DIANLIU} · 历下区检查计划 ${plan.label} · 第 2 位 · 抽查${quarter.start} 至 ${quarter.end}`, 'the school and the plan')
      expectEq(r[1], plan.why.zj01, 'the why, as on the plan page')
      expect(/^待检/.test(r[2]), 'the status: ' + r[2])
      await shot(p, '58-tasks-plan')
      await axe(p, '我的任务（检查计划）')
      await p.click(`[data-test=plan-start-${DIANLIU}]`)
      await p.waitForURL(/#\/assess\/\d+$/)
      await p.waitForSelector('[data-test=assess-plan]')
      await settle(p)
      expectEq((await p.textContent('[data-test=assess-plan] .el-tag')).trim(), `检查计划：${plan.label}`, 'the checklist\'s plan label')
      const id = Number(/#\/assess\/(\d+)$/.exec(p.url())[1])
      const a = (await apiGet(p, `/assessments/${id}`)).body
      expectEq(a.assessment.school, DIANLIU, 'the draft\'s school')
      await shot(p, '58b-assess-plan')
      await axe(p, '检查（检查计划）')
    })

    await step('issue 12 检查计划 (district): 历下区\'s page shows the plan\'s progress card (完成 0 / 应检 3)', async () => {
      const p = pages.lixia
      await visit(p, '/districts/370102')
      await p.waitForSelector('[data-test=district-plans] .plan')
      const plans = p.locator('[data-test=district-plans] .plan')
      expectEq(await plans.count(), 1, 'one published plan')
      expectEq((await plans.first().locator('.plan-head a').textContent()).trim(), `检查计划 ${plan.label}`, 'the plan')
      expectEq((await plans.first().locator('div').last().textContent()).replace(/\s+/g, ' ').trim(), '完成 0 / 应检 3，待检 3，逾期 0', 'the progress')
      await shot(p, '59-district-plan-progress')
      await axe(p, '区县（检查计划进度）')
    })
  }

  const ready = await step('issue 12 set-up: a city of five schools, the expert corps, last quarter\'s inspections and last month\'s hazards (CLI, pinned clock)', async () => {
    server = new Server(REGISTRY, USERS)
    for (const [login] of USERS) state[login] = { password: server.once[login] }
    server.cli('indicators', 'load', UNASSESSED)
    fs.writeFileSync(path.join(server.dir, 'veto-junior.xml'), JUNIOR)
    server.cli('indicators', 'load', path.join(server.dir, 'veto-junior.xml'))
    // The corps: three certified, one lapsed; zj05 gets a profile through the page.
    const cert = addDays(P.today, -200), trained = addDays(cert, -30)
    const exp = `${Number(cert.slice(0, 4)) + 3}${cert.slice(4)}`
    for (const [login, district, specs] of [['zj01', '历下区', 'fire,building'], ['zj02', '历下区', 'food'], ['zj03', '市中区', 'traffic']]) {
      server.cli('experts', 'add', login, '--unit', '消防救援大队', '--district', district, '--speciality', specs,
        '--trained', trained, '--certified', cert, '--expires', exp)
    }
    server.cli('experts', 'add', 'zj04', '--unit', '市中区教体局', '--district', '市中区', '--speciality', 'fire',
      '--trained', '2020-01-01', '--certified', '2020-02-01', '--expires', '2023-01-31')
    // The last quarter: inspections on its 10th day, and 燕翔's self-inspection.
    const qday = addDays(P.quarter.start, 9)
    inspectAt(qday, YANXIANG, {})
    inspectAt(qday, DIANLIU, { 'S.1.1': 'fail' })
    inspectAt(qday, YANSHAN, { 'P.1.1': 'fail' })
    inspectAt(qday, SHUNGENG, {})
    ctx.self = inspectAt(qday, YANXIANG, {}, true)
    // Last month at 甸柳一小: A overdue, B closed, C major.
    const d = n => addDays(P.month.start, n)
    const a = hazardId(cliAt(d(1), 'hazard', 'add', '--school', DIANLIU, '--level', 'general', '--description', '消防通道堆放杂物', '--found-on', d(1), '--by', '刘科长'))
    cliAt(d(1), 'hazard', 'assign', String(a), '--responsible', '赵敏', '--deadline', d(5), '--by', '刘科长')
    const b = hazardId(cliAt(d(1), 'hazard', 'add', '--school', DIANLIU, '--level', 'general', '--description', '灭火器过期', '--found-on', d(1), '--by', '刘科长'))
    cliAt(d(1), 'hazard', 'assign', String(b), '--responsible', '赵敏', '--deadline', d(20), '--by', '刘科长')
    cliAt(d(8), 'hazard', 'submit', String(b), '--note', '已更换灭火器', '--by', '赵敏')
    cliAt(d(10), 'hazard', 'verify', String(b), '--by', '刘科长')
    const c = hazardId(cliAt(d(2), 'hazard', 'add', '--school', DIANLIU, '--level', 'major', '--description', '教学楼外墙瓷砖脱落', '--found-on', d(2), '--by', '刘科长'))
    ctx.monthHazards = { overdue: a, closed: b, major: c }
    await server.start()
    base = server.url
  })
  if (!ready) return

  try {
    // --------------------------------------------------------------
    // 安全专家库
    // --------------------------------------------------------------
    await step('issue 12 安全专家库: the expert zj01 inspects a school through the API today (one hazard found)', async () => {
      const p = await page('zj01')
      let r = await send(p, 'POST', '/assessments', { school: CHAYE })
      expectEq(r.status, 201, 'a new draft')
      const id = r.body.assessment.id
      const answers = Object.entries({ ...ALL_PASS, 'P.1.1': 'pass', 'B.1.1': 'fail' }).map(([item, value]) => ({ item, value }))
      r = await send(p, 'POST', `/assessments/${id}/answers`, { answers })
      expectEq(r.status, 200, 'the answers')
      r = await send(p, 'POST', `/assessments/${id}/submit`)
      expectEq(r.status, 200, 'the submission')
      expectEq(r.body.hazards_new, 1, 'hazards raised')
    })

    await step('issue 12 安全专家库 (city): 持证专家 3 / 200, zj01\'s row with its workload, the lapsed certificate', async () => {
      const p = await page('city')
      await visit(p, '/experts')
      await waitText(p, '[data-test=kpi-certified]', /\//)
      const sum = (await apiGet(p, '/experts/summary')).body
      expectEq(sum.certified, 3, 'certified experts in the API')
      expectEq((await p.textContent('[data-test=kpi-certified]')).trim(), '3 / 200', '持证专家')
      expectEq((await p.textContent('[data-test=kpi-completion]')).trim(), '1.5%', '完成率')
      await p.waitForSelector('[data-test=experts] .el-table__body tr')
      const row = await cells(rowOf(p, 'experts', 'zj01').first())
      // 姓名, 工作单位, 区县, 专业, 培训/取证/有效期, 状态, 检查次数, 发现隐患, 隐患发现率, 计划指派, 已完成, 最近检查
      expectEq(row.slice(0, 4).join('|'), '王安全zj01|消防救援大队|历下区|消防、建筑', 'zj01: name, unit, district, specialities')
      expectEq(row.slice(5, 12).join('|'), `在库·持证|1|1|1.00|0|0|${P.today}`, 'zj01: status and workload (no plan yet: 计划指派 0, 已完成 0)')
      const old = await cells(rowOf(p, 'experts', 'zj04').first())
      expectEq(old[5], '证书过期', 'zj04\'s status')
      expectEq(await p.locator('[data-test=experts] .el-table__body tr').count(), 4, 'four experts listed')
      await shot(p, '40-experts-city')
      await axe(p, '安全专家库')
    })

    await step('issue 12 安全专家库 (city): adding zj05 through the dialog lists it and counts it (4 / 200)', async () => {
      const p = pages.city
      await p.click('[data-test=expert-add]')
      const dlg = p.locator('.el-dialog', { hasText: '新增专家' })
      await dlg.locator('input[data-test=x-login]').fill('zj05')
      await dlg.locator('input[data-test=x-unit]').fill('市中区应急管理局')
      await dlg.locator('.el-form-item', { hasText: '区县' }).locator('.el-select').click()
      await p.locator('.el-select-dropdown__item:visible', { hasText: /^市中区$/ }).click()
      await dlg.locator('.el-checkbox', { hasText: '心理' }).click()
      await dlg.locator('.el-checkbox', { hasText: '特教' }).click()
      const cert = addDays(P.today, -10)
      for (const [label, v] of [['培训日期', addDays(P.today, -40)], ['取证日期', cert]]) {
        const input = dlg.locator('.el-form-item', { hasText: label }).locator('input')
        await input.fill(v)
        await input.press('Enter')
      }
      const exp = await dlg.locator('.el-form-item', { hasText: '有效期至' }).locator('input').inputValue()
      expectEq(exp, `${Number(cert.slice(0, 4)) + 3}${cert.slice(4)}`, 'the expiry suggested three years on')
      await shot(p, '41-experts-add-dialog')
      await axe(p, '安全专家库 新增专家')
      await p.click('[data-test=x-save]')
      await dlg.waitFor({ state: 'hidden' })
      await waitText(p, '[data-test=kpi-certified]', /^\s*4 \/ 200\s*$/)
      const row = await cells(rowOf(p, 'experts', 'zj05').first())
      expectEq(row.slice(0, 4).join('|'), '孙新专家zj05|市中区应急管理局|市中区|心理、特教', 'the new expert\'s row')
      expectEq(row.slice(5, 12).join('|'), '在库·持证|0|0|—|0|0|—', 'the new expert\'s status and workload')
      await shot(p, '42-experts-added')
    })

    await step('issue 12 安全专家库 (district): only 历下区\'s experts, no add button', async () => {
      const p = await page('lixia')
      await visit(p, '/experts')
      await p.waitForSelector('[data-test=experts] .el-table__body tr')
      await settle(p)
      const logins = (await p.locator('[data-test=experts] .el-table__body tr td:first-child .muted').allTextContents()).map(s => s.trim())
      expectEq(logins.join(','), 'zj01,zj02', 'the district\'s experts')
      expectEq(await p.locator('[data-test=expert-add]').count(), 0, 'no 新增专家 button')
      // The cards count the whole corps (the target is the city's): said so.
      expectEq((await p.textContent('[data-test=kpi-certified]')).trim(), '4 / 200', '持证专家 (the city\'s)')
      expect((await p.textContent('[data-test=expert-scope]')).includes('全市专家库'), 'the cards say they are the city\'s')
      await shot(p, '43-experts-district')
      await axe(p, '安全专家库（区县）')
    })

    // --------------------------------------------------------------
    // 期末签批
    // --------------------------------------------------------------
    await step('issue 12 期末签批: the school confirms its self-inspection for the last quarter on its home page (期末确认)', async () => {
      const p = await page('yanxiang')
      await go(p, base, '/school')
      await p.waitForSelector('[data-test=confirm-card]')
      await waitText(p, '[data-test=confirm-card]', new RegExp(`尚未确认；确认将提交编号 ${ctx.self} 的自查`))
      await p.click('[data-test=confirm-self]')
      await waitText(p, '[data-test=confirm-card]', new RegExp(`已于 .* 由 燕翔小学安全员 确认（自查编号 ${ctx.self}）`))
      await shot(p, '44-school-confirmed')
      await axe(p, '学校自查（期末确认）')
    })

    const signRow = p => rowOf(p, 'signoff-table', '历下区').first()
    const stateOf = async p => (await signRow(p).locator('.el-tag').first().textContent()).trim()
    async function districtSignsOff(p, version) {
      await visit(p, '/period-signoff')
      await signRow(p).waitFor()
      await signRow(p).locator('[data-test=signoff-district]').click()
      const dlg = p.locator('[data-test=signoff-dialog]').or(p.locator('.el-dialog', { hasText: '确认签批' })).first()
      await dlg.waitFor()
      await p.locator('.el-dialog .el-descriptions').waitFor()
      const text = await p.locator('.el-dialog', { hasText: '确认签批' }).textContent()
      expect(/名录学校\s*3/.test(text) && /已评估\s*3/.test(text), 'the figures in the dialog: ' + text)
      expect(text.includes('尚有 2 所学校未确认自查（已确认 1/3）'), 'the unconfirmed schools: ' + text)
      // ... and which: by name, with whether each has a self-inspection
      // to confirm (neither has: the district must chase them).
      const pending = p.locator('[data-test=signoff-unconfirmed] .el-table__body tr')
      await pending.first().waitFor()
      const rows = []
      for (let i = 0; i < await pending.count(); i++) rows.push((await cells(pending.nth(i))).join('|'))
      expectEq(rows.join(' / '), `${DIANLIU}|济南市历下区甸柳第一小学|本期无自查 / ${YANSHAN}|济南市历下区燕山中学|本期无自查`, 'the unconfirmed schools by name')
      if (version === 1) {
        await shot(p, '45-signoff-dialog')
        await axe(p, '期末签批 确认签批')
      }
      await p.click('[data-test=signoff-confirm]')
      await waitText(p, '[data-test=signoff-table]', /已签批/)
      const row = await cells(signRow(p))
      expectEq(row[1], '已签批', 'the state')
      expectEq(row[2], String(version), 'the version')
      expectEq(row[3], '历下区教体局', 'signed by')
      expectEq(row[5], '1/3', 'schools confirmed')
    }

    await step('issue 12 期末签批: 历下区 signs off the last quarter through the dialog; the row shows 已签批', async () => {
      const p = pages.lixia
      await districtSignsOff(p, 1)
      await shot(p, '46-signoff-district-signed')
      await axe(p, '期末签批（区县）')
    })

    await step('issue 12 期末签批: the city returns it with a reason; the district sees the reason, signs off again (version 2); the city accepts', async () => {
      const c = pages.city
      await visit(c, '/period-signoff')
      await signRow(c).waitFor()
      expectEq(await c.locator('[data-test=signoff-table] .el-table__body tr').count(), 16, 'every district is listed for the city')
      await signRow(c).locator('[data-test=signoff-return]').click()
      const box = c.locator('.el-message-box')
      await box.locator('input').fill('燕山中学一票否决情况需补充说明')
      await shot(c, '47-signoff-city-return')
      await box.locator('.el-button--primary').click()
      await waitText(c, '[data-test=signoff-table]', /已退回/)
      const p = pages.lixia
      await visit(p, '/period-signoff')
      await signRow(p).waitFor()
      expectEq(await stateOf(p), '已退回', 'the district sees the state')
      expectEq((await cells(signRow(p)))[6], '退回理由：燕山中学一票否决情况需补充说明', 'the district sees the reason')
      await shot(p, '48-signoff-district-returned')
      await districtSignsOff(p, 2)
      await visit(c, '/period-signoff')
      await signRow(c).locator('[data-test=signoff-accept]').click()
      await c.locator('.el-message-box').waitFor()
      expect((await c.textContent('.el-message-box')).includes('（第 2 版）'), 'the city accepts version 2')
      await c.click('.el-message-box .el-button--primary')
      await waitText(c, '[data-test=signoff-table]', /已接收/)
      expectEq(await stateOf(c), '已接收', 'accepted')
      await shot(c, '49-signoff-city-accepted')
      await axe(c, '期末签批（市局）')
      const s = (await apiGet(c, `/signoff?period=${P.quarter.label}`)).body.items.find(x => x.district_name === '历下区')
      expect(s.state === 'accepted' && s.version === 2, 'the API agrees: ' + JSON.stringify(s))
    })

    // --------------------------------------------------------------
    // 通报
    // --------------------------------------------------------------
    await step('issue 12 通报 月调度: 历下区 last month shows 3 found, 1 closed, 1 newly overdue; the workbook downloads', async () => {
      const p = pages.lixia
      await visit(p, '/bulletins')
      await waitText(p, '[data-test=monthly-title]', new RegExp(`历下区 .*月调度`))
      const m = (await apiGet(p, `/bulletins/monthly/370102?month=${P.month.label}`)).body
      const ids = list => list.map(h => h.id).sort((x, y) => x - y).join(',')
      const H = ctx.monthHazards
      expectEq(ids(m.hazards.found), [H.overdue, H.closed, H.major].sort((x, y) => x - y).join(','), 'found last month (API)')
      expectEq(ids(m.hazards.closed), String(H.closed), 'closed last month (API)')
      expectEq(ids(m.hazards.newly_overdue), String(H.overdue), 'newly overdue (API)')
      expectEq((await p.textContent('[data-test=m-found]')).trim(), '3', '本月发现隐患')
      expectEq((await p.textContent('[data-test=m-closed]')).trim(), '1', '本月销号隐患')
      expectEq((await p.textContent('[data-test=m-overdue]')).trim(), '1', '月末逾期隐患')
      expectEq((await p.textContent('[data-test=m-newly-overdue]')).trim(), '1', '新增逾期')
      const kinds = (await p.locator('[data-test=m-hazards] .el-table__body tr td:first-child').allTextContents()).map(s => s.trim())
      expectEq(kinds.join(','), '本月发现,本月发现,本月发现,本月销号,新增逾期,新增督办', 'the rows of 隐患变化')
      await shot(p, '50-bulletin-monthly')
      await axe(p, '通报（月调度）')
      const { name, rows } = await download(p, '[data-test=bulletin-download-monthly]')
      expectEq(name, `历下区-${P.month.label}-月调度.xlsx`, 'the workbook name')
      const change = rows['隐患变化'].filter(r => r[0] === '本月发现').map(r => r[1]).sort((x, y) => x - y)
      expectEq(change.join(','), [H.overdue, H.closed, H.major].sort((x, y) => x - y).join(','), 'the workbook\'s 本月发现 rows')
    })

    await step('issue 12 通报 季通报: the ranking 市中区, 历下区, 莱芜区 then the districts without schools; the workbook downloads', async () => {
      const p = pages.city
      await visit(p, '/bulletins')
      await p.click('#tab-quarterly')
      await p.waitForSelector('[data-test=q-ranking] .el-table__body tr')
      await settle(p)
      const rows = p.locator('[data-test=q-ranking] .el-table__body tr')
      const all = []
      for (let i = 0; i < await rows.count(); i++) all.push((await cells(rows.nth(i))).slice(0, 2))
      expectEq(all.length, 16, 'every district is ranked')
      expectEq(all.slice(0, 3).map(r => r.join(' ')).join(' / '), '1 市中区 / 2 历下区 / 3 莱芜区', 'the places of the districts with schools')
      expect(all.slice(3).every(r => r[0] === '4'), 'the districts without schools share 4th place: ' + JSON.stringify(all.slice(3)))
      const lx = await cells(rowOf(p, 'q-ranking', '历下区').first())
      expectEq(lx[4], '33.3%（+33.3）', '历下区 达标率 (0/3 the quarter before)')
      expectEq(lx[8] + '|' + lx[9], '2|0', '历下区 未达标, 未评估')
      await shot(p, '51-bulletin-quarterly')
      await axe(p, '通报（季通报）')
      const { name, rows: wb } = await download(p, '[data-test=bulletin-download-quarterly]')
      expect(name.endsWith('.xlsx') && name.includes(P.quarter.label), 'the workbook name: ' + name)
      const lines = Object.values(wb).flat().map(r => r.join('|'))
      const place = d => lines.findIndex(r => r.split('|').includes(d))
      expect(place('市中区') >= 0 && place('市中区') < place('历下区') && place('历下区') < place('莱芜区'),
        'the workbook ranks 市中区, 历下区, 莱芜区: ' + Object.keys(wb).join(','))
    })

    // --------------------------------------------------------------
    // 整改预测
    // --------------------------------------------------------------
    await step('issue 12 整改预测: closing 燕山中学\'s veto hazard lifts the veto: 达标率 1/3 → 2/3; 推荐整改顺序 lists it', async () => {
      const p = pages.lixia
      await visit(p, '/whatif')
      await p.waitForSelector('[data-test=whatif-hazards] .el-table__body tr')
      const veto = (await apiGet(p, `/hazards?school=${YANSHAN}`)).body.items.find(h => h.item === 'P.1.1')
      expect(veto, 'the veto hazard of 燕山中学')
      ctx.veto = veto.id
      const answer = (await send(p, 'POST', '/whatif', { district: '370102', close: [veto.id] })).body
      const d = answer.districts[0]
      const rate = r => `${r.num}/${r.den}（${(Math.round(r.num * 1000 / r.den) / 10).toFixed(1)}%）`
      expectEq(rate(d.before.compliance), '1/3（33.3%）', 'before (the fixture)')
      expectEq(rate(d.after.compliance), '2/3（66.7%）', 'after (the fixture)')
      const s = answer.schools.find(x => x.code === YANSHAN)
      expect(s.before.vetoed === true && s.after.vetoed === false && s.after.compliant === true, 'the veto is lifted: ' + JSON.stringify(s))
      await p.locator(`[data-test=pick-${veto.id}]`).click()
      await p.click('[data-test=whatif-run]')
      await p.waitForSelector('[data-test=whatif-cards]')
      await fits(p, 'whatif-schools')
      const card = p.locator('[data-test=whatif-cards] .el-card', { hasText: '历下区 达标率' })
      expectEq((await card.locator('.fig').textContent()).replace(/\s+/g, ''), `${rate(d.before.compliance)}→${rate(d.after.compliance)}`, 'the 达标率 card')
      const open = p.locator('[data-test=whatif-cards] .el-card', { hasText: '重大隐患（挂牌督办）' })
      expectEq((await open.locator('.fig').textContent()).replace(/\s+/g, ''), `${d.before.open_major}→${d.after.open_major}`, 'the 重大隐患 card')
      const row = await cells(rowOf(p, 'whatif-schools', '燕山中学').first())
      // 学校, 总分, 风险等级, 达标, 一票否决, ...
      expectEq(row[3], '否 → 是', '达标 before and after')
      expectEq(row[4], '是 → 否', '一票否决 before and after')
      expectEq(row[5], '不变', 'its four-100% elements do not change')
      await shot(p, '52-whatif-result')
      await axe(p, '整改预测')
      await p.click('#tab-order')
      await p.waitForSelector('[data-test=whatif-plans] .el-table__body tr')
      const plan = await cells(rowOf(p, 'whatif-plans', '燕山中学').first())
      expectEq(plan[2], String(veto.id), '需销号隐患 of 燕山中学\'s plan')
      expectEq(plan[4], '否 → 是', 'the plan makes it compliant')
      await fits(p, 'whatif-plans')
      await shot(p, '53-whatif-order')
      await axe(p, '整改预测（推荐整改顺序）')
    })

    // --------------------------------------------------------------
    // 未评估
    // --------------------------------------------------------------
    await step('issue 12 未评估: 燕翔小学 (a system without 护学岗 items) shows the grey 未评估 on its baseline page and on the district\'s 四个100%', async () => {
      const p = pages.yanxiang
      await visit(p, '/school/baseline')
      await p.waitForSelector('[data-test=baseline-elements] .el-table__body tr')
      await p.waitForSelector('[data-test=baseline-unassessed]')
      const posts = rowOf(p, 'baseline-elements', '护学岗').first()
      const tag = posts.locator('.el-tag')
      expectEq((await tag.textContent()).trim(), '未评估', '护学岗')
      expect(/el-tag--info/.test(await tag.getAttribute('class')), 'the tag is grey')
      expect((await posts.textContent()).includes('未设置该要素的检查项'), 'the reason is shown')
      await shot(p, '54-unassessed-school')
      await axe(p, '四个100%（未评估）')
      const q = pages.lixia
      await visit(q, '/baseline')
      await q.waitForSelector('[data-test=baseline-schools] .el-table__body tr')
      const row = rowOf(q, 'baseline-schools', '燕翔小学').first()
      const head = (await q.locator('[data-test=baseline-schools] .el-table__header th').allTextContents()).map(s => s.trim())
      const col = head.indexOf('护学岗')
      expect(col > 0, 'a 护学岗 column: ' + head.join(','))
      const t = row.locator('td').nth(col).locator('.el-tag')
      expectEq((await t.textContent()).trim(), '未评估', '燕翔小学 护学岗')
      expect(/el-tag--info/.test(await t.getAttribute('class')), 'grey in the district table')
      const four = row.locator('td').nth(head.indexOf('四项')).locator('.el-tag')
      expectEq((await four.textContent()).trim(), '未评估', '燕翔小学 四项')
      // A dark tag's text is white (it was the tag's own dark colour: unreadable).
      expectEq(await four.evaluate(el => getComputedStyle(el).color), 'rgb(255, 255, 255)', 'the text of the dark 四项 tag')
      await shot(q, '55-unassessed-district')
      await axe(q, '四个100%（区县，未评估）')
    })

    await inspectionPlanSteps()
  } finally {
    for (const p of Object.values(pages)) await p.context().close().catch(() => {})
    await step('issue 12: its server stops cleanly (no sanitizer report)', () => server.stop())
    if (!process.env.SR_KEEP) server.cleanup()
  }
}
