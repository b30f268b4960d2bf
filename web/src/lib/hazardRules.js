// Which steps of the hazard loop a page offers to whom (the server
// decides: this only avoids offering what it would refuse).
import { hasRole } from './session.js'

export function actionsFor(h) {
  const a = []
  if (!h) return a
  if (hasRole('district')) {
    if (h.status === 'open' || h.status === 'rectifying') a.push('assign')
    if (h.status === 'submitted' && !h.awaiting_signoff) a.push('verify', 'reject')
  }
  if ((hasRole('school') || hasRole('district')) && h.status === 'rectifying') a.push('submit')
  if (hasRole('city') && h.awaiting_signoff) a.push('signoff', 'reject')
  return [...new Set(a)]
}

export const actionLabels = { assign: '交办', submit: '提交整改', verify: '复查通过', reject: '退回', signoff: '销号' }
