// lib.mjs - the harness of the browser tests (tests/browser/run.mjs):
// a fresh database built through the real CLI, the real server on a
// free loopback port serving the built pages (web/dist), Debian's
// chromium driven by playwright-core, sign-in through the pages (the
// first password change and the second factor included, the codes
// computed like an authenticator app), axe-core on every page,
// screenshots, and console errors collected per page.
import { execFileSync, spawn } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { createRequire } from 'node:module'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export const BIN = path.resolve(process.argv[2] || '')
export const SRC = path.resolve(process.argv[3] || '')
if (!process.argv[2] || !process.argv[3]) {
  console.error('usage: node tests/browser/run.mjs /path/to/schoolrisk /path/to/source-tree')
  process.exit(2)
}
export const WEB = path.join(SRC, 'web')
const require = createRequire(path.join(WEB, 'package.json'))
export const { chromium } = require('playwright-core')
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

export const ENV = { ...process.env, LC_ALL: 'C.UTF-8', LANGUAGE: '', SCHOOLRISK_INDICATORS: path.join(SRC, 'indicators') }
delete ENV.SCHOOLRISK_DB
delete ENV.SCHOOLRISK_CLOCK

export const PASSWORD = 'Anquan#2026Jinan'
export const SHOTS = path.resolve(process.env.SR_BROWSER_SHOTS || 'browser-shots')

// A 32x32 PNG (a photo's stand-in: the server checks the type by content).
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAIAAAD8GO2jAAAGy0lEQVR42hXVkb/GIBTG8ReHYTgMw+EwHIbDMBwOh8Pwh+FwOAyHYRiG4d3tD+jb53TOc36/H8MP8UP+GH+oH/rH9GP+YX4sP+yP9Yf74X9sP/Yfx4/zR/jBj/jj+nH/eH6kH++P/KP8qD/aj/7j9xsYBsSAHBgH1IAemAbmATOwDNiBdcAN+IFtYB84Bs6BMMBAHLgG7oFnIA28A3mgDNSBNtCHDxAMAiGQglGgBFowCWaBESwCK1gFTuAFm2AXHIJTEAQIouAS3IJHkASvIAuKoAqaoIsPkAwSIZGSUaIkWjJJZomRLBIrWSVO4iWbZJccklMSJEii5JLckkeSJK8kS4qkSpqkyw8YGUbEiBwZR9SIHplG5hEzsozYkXXEjfiRbWQfOUbOkTDCSBy5Ru6RZySNvCN5pIzUkTbSxw9QDAqhkIpRoRRaMSlmhVEsCqtYFU7hFZtiVxyKUxEUKKLiUtyKR5EUryIriqIqmqKrD9AMGqGRmlGjNFozaWaN0Swaq1k1TuM1m2bXHJpTEzRooubS3JpHkzSvJmuKpmqapusPmBgmxIScGCfUhJ6YJuYJM7FM2Il1wk34iW1inzgmzokwwUScuCbuiWciTbwTeaJM1Ik20acPmBlmxIycGWfUjJ6ZZuYZM7PM2Jl1xs34mW1mnzlmzpkww0ycuWbumWcmzbwzeabM1Jk20+cPMAwGYZCG0aAM2jAZZoMxLAZrWA3O4A2bYTcchtMQDBii4TLchseQDK8hG4qhGpqhmw9YGBbEglwYF9SCXpgW5gWzsCzYhXXBLfiFbWFfOBbOhbDAQly4Fu6FZyEtvAt5oSzUhbbQlw+wDBZhkZbRoizaMllmi7EsFmtZLc7iLZtltxyW0xIsWKLlstyWx5IsryVbiqVamqXbD1gZVsSKXBlX1IpemVbmFbOyrNiVdcWt+JVtZV85Vs6VsMJKXLlW7pVnJa28K3mlrNSVttLXD3AMDuGQjtGhHNoxOWaHcSwO61gdzuEdm2N3HI7TERw4ouNy3I7HkRyvIzuKozqao7sP8Awe4ZGe0aM82jN5Zo/xLB7rWT3O4z2bZ/ccntMTPHii5/LcnseTPK8ne4qnepqn+w/YGDbEhtwYN9SG3pg25g2zsWzYjXXDbfiNbWPfODbOjbDBRty4Nu6NZyNtvBt5o2zUjbbRtw/YGXbEjtwZd9SO3pl25h2zs+zYnXXH7fidbWffOXbOnbDDTty5du6dZyftvDt5p+zUnbbT9w84GA7EgTwYD9SBPpgO5gNzsBzYg/XAHfiD7WA/OA7Og3DAQTy4Du6D5yAdvAf5oBzUg3bQjw84GU7EiTwZT9SJPplO5hNzspzYk/XEnfiT7WQ/OU7Ok3DCSTy5Tu6T5ySdvCf5pJzUk3bSzw8IDAERkIExoAI6MAXmgAksARtYAy7gA1tgDxyBMxACBGLgCtyBJ5ACbyAHSqAGWqCHD/hffN9q+pbHF+9fAH8R+YXYFzNfEHyj+g3T1+5fQ34t833qV/avMN/Tv8v/T4QLbnggwQsZClRo0L+1/YsMERGRkTGiIjoyReaIiSwRG1kjLuIjW2SPHJEzEuL/9TFyRe7IE0mRN5IjJVIjLdLjB1wMF+JCXowX6kJfTBfzhblYLuzFeuEu/MV2sV8cF+dFuP4fHy+ui/viuUgX70W+KBf1ol306wNuhhtxI2/GG3Wjb6ab+cbcLDf2Zr1xN/5mu9lvjpvzJtz/pYk3181989ykm/cm35SbetNu+v0BD8ODeJAP44N60A/Tw/xgHpYH+7A+uAf/sD3sD8fD+RCe/8LHh+vhfnge0sP7kB/KQ31oD/35gMSQEAmZGBMqoRNTYk6YxJKwiTXhEj6xJfbEkTgTIf1/a0xciTvxJFLiTeRESdRES/T0AS/Di3iRL+OLetEv08v8Yl6WF/uyvrgX/7K97C/Hy/kS3v+miS/Xy/3yvKSX9yW/lJf60l76+wGZISMyMjNmVEZnpsycMZklYzNrxmV8ZsvsmSNzZkL+b8mYuTJ35smkzJvJmZKpmZbp+QMKQ0EUZGEsqIIuTIW5YApLwRbWgiv4wlbYC0fhLITy3/CxcBXuwlNIhbeQC6VQC63QywdUhoqoyMpYURVdmSpzxVSWiq2sFVfxla2yV47KWQn1f5xi5arclaeSKm8lV0qlVlql1w9oDA3RkI2xoRq6MTXmhmksDdtYG67hG1tjbxyNsxHa/7DGxtW4G08jNd5GbpRGbbRGbx/QGTqiIztjR3V0Z+rMHdNZOrazdlzHd7bO3jk6Zyf0/yiInatzd55O6ryd3Cmd2mmd3vkD4XNgWyf/NBMAAAAASUVORK5CYII=', 'base64')

// ------------------------------------------------------------------
// Cases: "ok   title" / "FAIL title: why", then "N passed, M failed".
// ------------------------------------------------------------------
const results = []
export async function step(title, fn) {
  const t0 = Date.now()
  try {
    await fn()
    results.push(true)
    console.log(`ok   ${title} (${((Date.now() - t0) / 1000).toFixed(1)} s)`)
    return true
  } catch (e) {
    results.push(false)
    console.log(`FAIL ${title}: ${e && e.stack ? e.stack : e}`)
    return false
  }
}
export function summary() {
  const passed = results.filter(Boolean).length
  const failed = results.length - passed
  console.log(`${passed} passed, ${failed} failed`)
  return failed
}
export function expect(cond, what) {
  if (!cond) throw new Error(what)
}
export function expectEq(a, b, what) {
  if (a !== b) throw new Error(`${what}: expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`)
}

// ------------------------------------------------------------------
// TOTP (RFC 6238: HMAC-SHA-1, 6 digits, 30 s steps)
// ------------------------------------------------------------------
function base32(s) {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = '', out = []
  for (const c of s.replace(/=+$/, '').toUpperCase()) bits += A.indexOf(c).toString(2).padStart(5, '0')
  for (let i = 0; i + 8 <= bits.length; i += 8) out.push(parseInt(bits.slice(i, i + 8), 2))
  return Buffer.from(out)
}
export function totp(secret, counter = Math.floor(Date.now() / 30000)) {
  const msg = Buffer.alloc(8)
  msg.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac('sha1', base32(secret)).update(msg).digest()
  const off = mac[mac.length - 1] & 15
  return String((mac.readUInt32BE(off) & 0x7fffffff) % 1000000).padStart(6, '0')
}

// ------------------------------------------------------------------
// The database and the server
// ------------------------------------------------------------------
export class Server {
  constructor(registry, users) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-browser-'))
    this.db = path.join(this.dir, 't.db')
    this.once = {}
    this.cli('init')
    const reg = path.join(this.dir, 'registry.csv')
    fs.writeFileSync(reg, registry)
    this.cli('schools', 'import', reg)
    for (const [login, name, role, district, school] of users) {
      const args = ['users', 'add', login, '--name', name, '--role', role]
      if (district) args.push('--district', district)
      if (school) args.push('--school', school)
      const out = this.cli(...args)
      this.once[login] = /one-time password: (\S+)/.exec(out)[1]
    }
  }
  cli(...args) {
    return execFileSync(BIN, [...args, '--db', this.db], { env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  }
  async start() {
    this.stderr = path.join(this.dir, 'server.stderr')
    const err = fs.openSync(this.stderr, 'a')
    this.proc = spawn(BIN, ['serve', '--db', this.db, '--listen', '127.0.0.1:0', '--web', path.join(WEB, 'dist'),
      '--evidence-dir', path.join(this.dir, 'evidence')], { env: ENV, stdio: ['ignore', 'pipe', err] })
    const line = await new Promise((resolve, reject) => {
      let buf = ''
      this.proc.stdout.on('data', d => {
        buf += d
        if (buf.includes('\n')) resolve(buf.split('\n')[0])
      })
      this.proc.on('exit', c => reject(new Error(`the server exited (${c}): ${fs.readFileSync(this.stderr, 'utf8')}`)))
    })
    const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(line)
    if (!m) throw new Error('the server did not say where it listens: ' + line)
    this.port = Number(m[1])
    this.url = `http://127.0.0.1:${this.port}/`
  }
  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      const done = new Promise(r => this.proc.on('exit', r))
      this.proc.kill('SIGTERM')
      await Promise.race([done, new Promise(r => setTimeout(r, 20000))])
      if (this.proc.exitCode === null) this.proc.kill('SIGKILL')
    }
    const err = fs.existsSync(this.stderr || '') ? fs.readFileSync(this.stderr, 'utf8') : ''
    if (/ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer/.test(err)) {
      process.stderr.write(err)
      throw new Error("the server's stderr has a sanitizer report (above)")
    }
  }
  cleanup() { fs.rmSync(this.dir, { recursive: true, force: true }) }
}

// ------------------------------------------------------------------
// Pages
// ------------------------------------------------------------------
export const consoleErrors = []
export const axeFindings = []

/** A browser context and page for one user, collecting console errors. */
export async function userPage(browser, who, viewport = { width: 1366, height: 900 }) {
  const ctx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport, acceptDownloads: true })
  const page = await ctx.newPage()
  page.allowed = new Set()   // statuses expected just now (4xx refusals the test provokes)
  page.firstSession = true
  page.on('console', m => {
    if (m.type() !== 'error') return
    const text = m.text()
    const url = (m.location() && m.location().url) || ''
    const st = /status of (\d{3})/.exec(text)
    if (st && st[1] === '401' && page.firstSession) return            // GET /session before signing in
    if (st && page.allowed.has(Number(st[1]))) return
    if (page.allowed.has('offline') && /ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(text)) return
    consoleErrors.push(`${who}: ${text} ${url}`)
  })
  page.on('pageerror', e => consoleErrors.push(`${who}: page error: ${e.message}`))
  page.who = who
  return { ctx, page }
}

/** Run fn with HTTP statuses that Chrome will log as errors allowed. */
export async function allowing(page, statuses, fn) {
  for (const s of statuses) page.allowed.add(s)
  try { return await fn() } finally { for (const s of statuses) page.allowed.delete(s) }
}

export async function shot(page, name) {
  await sleep(400) // let Element Plus' transitions end
  fs.mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: path.join(SHOTS, name + '.png'), fullPage: false })
}

/** axe-core on the page as it is: critical and serious findings are kept. */
export async function axe(page, name) {
  // page.evaluate is not subject to the page's CSP (no inline script).
  await page.evaluate(AXE)
  const r = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const res = await axe.run(document, { resultTypes: ['violations'] })
    return res.violations.filter(v => v.impact === 'critical' || v.impact === 'serious')
      .map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\n').slice(0, 2).join(' ')) }))
  })
  for (const v of r) axeFindings.push(`${name}: [${v.impact}] ${v.id} (${v.help}) ${v.nodes.join(' | ')}`)
  return r
}

/** Wait until the page settles (no loading mask left). */
export async function settle(page) {
  await page.waitForLoadState('networkidle').catch(() => {})
  await page.waitForFunction(() => !document.querySelector('.el-loading-mask'), null, { timeout: 20000 }).catch(() => {})
}

export async function go(page, base, hash) {
  await page.goto(base + '#' + hash)
  await settle(page)
}

/** The API from inside the page (its session cookie). */
export async function apiGet(page, p) {
  return page.evaluate(async p => {
    const r = await fetch('api/v1' + p, { credentials: 'same-origin' })
    const t = await r.text()
    return { status: r.status, body: t ? JSON.parse(t) : null }
  }, p)
}

export async function waitText(page, selector, re, timeout = 20000) {
  await page.waitForFunction(([s, src]) => {
    const el = document.querySelector(s)
    return el && new RegExp(src).test(el.textContent)
  }, [selector, re.source || re], { timeout })
}

export const sleep = ms => new Promise(r => setTimeout(r, ms))

/**
 * Sign in through 登录: the first password change and, for admin and
 * city, enrolling the second factor, as a person would.  state keeps
 * per login: password, secret, last TOTP step used.
 */
export async function signIn(page, base, login, state) {
  const s = state[login]
  await page.goto(base + '#/login')
  await page.waitForSelector('input[data-test=login]')
  await page.fill('input[data-test=login]', login)
  await page.fill('input[data-test=password]', s.password)
  await page.click('[data-test=sign-in]')
  page.firstSession = false
  for (let i = 0; i < 6; i++) {
    const what = await Promise.race([
      page.waitForSelector('[data-test=enroll-form]', { timeout: 30000 }).then(() => 'enroll'),
      page.waitForSelector('[data-test=totp-form]', { timeout: 30000 }).then(() => 'totp'),
      page.waitForSelector('input[data-test=new-password]', { timeout: 30000 }).then(() => 'password'),
      page.waitForSelector('.layout', { timeout: 30000 }).then(() => 'full')
    ])
    if (what === 'full') return
    if (what === 'enroll') {
      await page.waitForFunction(() => document.querySelector('[data-test=totp-secret]')?.textContent.trim().length >= 16, null, { timeout: 30000 })
      s.secret = (await page.textContent('[data-test=totp-secret]')).trim()
      await enterCode(page, s)
      await page.waitForSelector('[data-test=enroll-form]', { state: 'detached' })
    } else if (what === 'totp') {
      await enterCode(page, s)
      await page.waitForSelector('[data-test=totp-form]', { state: 'detached' })
    } else if (what === 'password') {
      await page.fill('input[data-test=new-password]', PASSWORD)
      await page.fill('input[data-test=confirm-password]', PASSWORD)
      await page.click('[data-test=change-password]')
      await page.waitForSelector('input[data-test=new-password]', { state: 'detached', timeout: 30000 })
      s.password = PASSWORD
      await page.fill('input[data-test=login]', login)
      await page.fill('input[data-test=password]', s.password)
      await page.click('[data-test=sign-in]')
    }
  }
  throw new Error(`${login}: sign-in did not finish`)
}

async function enterCode(page, s) {
  // A code is accepted once per 30 s step, within one step of drift:
  // after a step was used, the next one is taken early (as a phone a
  // little ahead would), else wait for a step not used yet.
  let step = Math.floor(Date.now() / 30000)
  if (s.lastStep !== undefined && step <= s.lastStep) step = s.lastStep + 1
  while (step > Math.floor(Date.now() / 30000) + 1) await sleep(1000)
  s.lastStep = step
  await page.fill('input[data-test=totp]', totp(s.secret, step))
  await page.click('[data-test=totp-submit]')
}
