// bench_pages.mjs - first load of the two heaviest pages on the local
// server, with a cold browser cache: the inspector's checklist of a
// school and the city's 全市概览 over a demo city of 3,000 schools.
// Prints the time to interactive (navigation start to the page's
// content drawn and the network quiet) and the bytes transferred;
// the target is under 1 s each.  Printed, never asserted.
//
//   node bench/bench_pages.mjs /path/to/schoolrisk /path/to/source-tree [SCHOOLS]
//
// Builds the demo city (`schoolrisk demo`, which prints its accounts'
// passwords) in a temporary directory, serves it with web/dist, signs
// in over the API (the city's account enrols its second factor, the
// code computed like an authenticator app) and hands the session
// cookie to chromium.
import { execFileSync, spawn } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { createRequire } from 'node:module'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const BIN = path.resolve(process.argv[2] || 'build/schoolrisk')
const SRC = path.resolve(process.argv[3] || '.')
const SCHOOLS = process.argv[4] || '3000'
const RUNS = 5
const require = createRequire(path.join(SRC, 'web', 'package.json'))
const { chromium } = require('playwright-core')
const ENV = { ...process.env, SCHOOLRISK_INDICATORS: path.join(SRC, 'indicators') }

function totp(secret, counter) {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const c of secret.toUpperCase()) bits += A.indexOf(c).toString(2).padStart(5, '0')
  const key = Buffer.from(bits.match(/.{8}/g).map(b => parseInt(b, 2)))
  const msg = Buffer.alloc(8)
  msg.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac('sha1', key).update(msg).digest()
  const o = mac[mac.length - 1] & 15
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, '0')
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-bench-pages-'))
let server
try {
  const t0 = Date.now()
  const out = execFileSync(BIN, ['demo', '--dir', path.join(dir, 'city'), '--schools', SCHOOLS], { env: ENV, encoding: 'utf8' })
  console.log(`demo city: ${SCHOOLS} schools in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  const pw = {}
  for (const m of out.matchAll(/^\s+(\w+)\s+\S+\s+(\S{16})\s/gm)) pw[m[1]] = m[2]

  server = spawn(BIN, ['serve', '--db', path.join(dir, 'city', 'schoolrisk.db'), '--listen', '127.0.0.1:0',
    '--web', path.join(SRC, 'web', 'dist'), '--evidence-dir', path.join(dir, 'evidence')], { env: ENV, stdio: ['ignore', 'pipe', 'ignore'] })
  const base = await new Promise((resolve, reject) => {
    server.stdout.on('data', d => { const m = /http:\/\/[\d.]+:\d+\//.exec(String(d)); if (m) resolve(m[0]) })
    server.on('exit', c => reject(new Error('the server exited ' + c)))
  })

  async function call(cookie, csrf, method, p, body) {
    const r = await fetch(base + 'api/v1' + p, {
      method, headers: { 'Content-Type': 'application/json', Origin: base.replace(/\/$/, ''), Cookie: cookie || '', 'X-CSRF-Token': csrf || '' },
      body: body ? JSON.stringify(body) : undefined
    })
    const set = r.headers.get('set-cookie')
    return { status: r.status, body: await r.json(), cookie: set ? set.split(';')[0] : cookie }
  }
  async function signIn(login) {
    let r = await call(null, null, 'POST', '/session', { login, password: pw[login] })
    const { cookie } = r, csrf = r.body.csrf
    if (r.body.stage === 'enroll') {
      const e = await call(cookie, csrf, 'POST', '/session/totp/enroll')
      r = await call(cookie, csrf, 'POST', '/session/totp/confirm', { code: totp(e.body.secret, Math.floor(Date.now() / 30000)) })
    }
    if (r.body.stage !== 'full') throw new Error(`${login}: stage ${r.body.stage}`)
    return { cookie, csrf }
  }

  const insp = await signIn('jiancha')
  const tasks = await call(insp.cookie, insp.csrf, 'GET', '/tasks?size=1')
  const school = tasks.body.items[0].school
  const draft = tasks.body.items[0].draft || (await call(insp.cookie, insp.csrf, 'POST', '/assessments', { school })).body.assessment.id
  const city = await signIn('shiju')

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync']
  })
  async function measure(label, who, hash, ready) {
    const times = [], bytes = []
    for (let i = 0; i < RUNS; i++) {
      const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } })
      const [name, value] = who.cookie.split('=')
      await ctx.addCookies([{ name, value, url: base }])
      const page = await ctx.newPage()
      let transferred = 0
      page.on('requestfinished', async req => { try { transferred += (await req.sizes()).responseBodySize + (await req.sizes()).responseHeadersSize } catch { /* gone */ } })
      const t = Date.now()
      await page.goto(base + '#' + hash)
      await page.waitForSelector(ready, { timeout: 60000 })
      await page.waitForLoadState('networkidle')
      await page.waitForFunction(() => !document.querySelector('.el-loading-mask'))
      times.push(Date.now() - t - 500) // networkidle waits 500 ms of quiet
      bytes.push(transferred)
      await ctx.close()
    }
    times.sort((a, b) => a - b)
    const med = times[Math.floor(times.length / 2)]
    console.log(`${label.padEnd(34)} time to interactive median ${String(med).padStart(5)} ms (min ${times[0]}, max ${times[times.length - 1]}), ` +
      `transferred ${(bytes[0] / 1024).toFixed(0)} KB  ${med < 1000 ? 'within' : 'over'} the 1 s target`)
  }
  // The API calls behind each page, alone (the server's share).
  for (const [label, who, p] of [['GET /schools/{code}/checklist', insp, `/schools/${school}/checklist`],
    ['GET /assessments/{id}', insp, `/assessments/${draft}`], ['GET /dashboard', city, '/dashboard']]) {
    const t = []
    for (let i = 0; i < RUNS; i++) { const t0 = performance.now(); await call(who.cookie, who.csrf, 'GET', p); t.push(performance.now() - t0) }
    t.sort((a, b) => a - b)
    console.log(`${label.padEnd(34)} API median ${t[Math.floor(t.length / 2)].toFixed(0).padStart(5)} ms`)
  }
  console.log(`first load, cold cache, ${RUNS} runs each, ${base}`)
  await measure('inspector checklist (' + school + ')', insp, `/assess/${draft}`, '[data-item]')
  await measure('city dashboard (' + SCHOOLS + ' schools)', city, '/dashboard', 'canvas')
  await browser.close()
} finally {
  if (server) server.kill('SIGTERM')
  fs.rmSync(dir, { recursive: true, force: true })
}
