// The API client: JSON in and out, the CSRF token on every write, the
// one error shape of the service ({"error": {code, message, field, line,
// details}}) as an ApiError, and a lost session sent back to 登录.
import { session, clearSession } from './session.js'

export class ApiError extends Error {
  constructor(status, e) {
    super(e.message || '请求失败')
    this.status = status
    this.code = e.code || 'error'
    this.field = e.field || null
    this.line = e.line || null
    this.details = e.details || []
  }
}

// Set by the router: where to go when the session has ended.
let onUnauthorized = () => {}
export function setUnauthorizedHandler(fn) { onUnauthorized = fn }

export function query(params) {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '' || v === false) continue
    q.set(k, v === true ? '1' : String(v))
  }
  const s = q.toString()
  return s ? '?' + s : ''
}

const statusText = {
  400: '请求有误', 401: '登录已失效，请重新登录', 403: '无权执行此操作', 404: '记录不存在或无权查看',
  405: '不支持的操作', 409: '当前状态不允许此操作', 413: '文件过大', 422: '内容未通过校验',
  429: '请求过于频繁，请稍后再试', 500: '服务器内部错误', 503: '服务暂不可用，请稍后再试'
}

/**
 * api('GET', '/hazards', {query: {...}}) or api('POST', '/x', {body: {...}})
 * or api('POST', '/evidence', {raw: blob, type: 'image/jpeg'}).
 * Resolves with the parsed JSON; rejects with an ApiError (status 0 and
 * code 'network' when the server cannot be reached).
 */
export async function api(method, path, opts = {}) {
  const headers = { Accept: 'application/json' }
  let body
  if (method !== 'GET' && session.csrf) headers['X-CSRF-Token'] = session.csrf
  if (opts.raw !== undefined) {
    body = opts.raw
    headers['Content-Type'] = opts.type || 'application/octet-stream'
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body)
    headers['Content-Type'] = 'application/json'
  }
  let res
  try {
    res = await fetch('api/v1' + path + query(opts.query), {
      method, headers, body, credentials: 'same-origin', cache: 'no-store'
    })
  } catch (e) {
    throw new ApiError(0, { code: 'network', message: '网络连接中断，请检查网络后重试' })
  }
  let data = null
  const text = await res.text()
  if (text) {
    try { data = JSON.parse(text) } catch { data = null }
  }
  if (res.ok) return data
  const err = new ApiError(res.status, (data && data.error) || { message: statusText[res.status] || `请求失败（${res.status}）` })
  if (res.status === 401 && !opts.noRedirect) {
    clearSession()
    onUnauthorized()
  }
  throw err
}

/** The message of any error, in Chinese, for a page. */
export function errorText(e) {
  if (e instanceof ApiError) return e.message
  return (e && e.message) || String(e)
}
