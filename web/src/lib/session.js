// Who is signed in: GET /api/v1/session, shared by every page.
import { reactive } from 'vue'

export const session = reactive({
  loaded: false,
  stage: null,      // totp, enroll, password, full; null when signed out
  csrf: null,
  user: null,
  roles: []
})

export function setSession(s) {
  session.stage = s ? s.stage : null
  session.csrf = s ? s.csrf : null
  session.user = s && s.user ? s.user : null
  session.roles = s && s.roles ? s.roles : []
  session.loaded = true
}

export function clearSession() { setSession(null) }

export function hasRole(...roles) {
  return roles.some(r => session.roles.includes(r))
}

export const roleLabels = {
  admin: '系统管理员', city: '市局', district: '区县', school: '学校', inspector: '检查员'
}

/** The grant of a role (its district or school), for headings. */
export function grantsOf(role) {
  return (session.user && session.user.grants ? session.user.grants : []).filter(g => g.role === role)
}

/** The home page of the signed-in user's first role. */
export function homePath() {
  const r = session.roles
  if (r.includes('city')) return '/dashboard'
  if (r.includes('district')) return '/hazards'
  if (r.includes('inspector')) return '/tasks'
  if (r.includes('school')) return '/school'
  if (r.includes('admin')) return '/admin/users'
  return '/none'
}
