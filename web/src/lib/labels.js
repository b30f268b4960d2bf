// 字典: coded values of the API shown as Chinese labels, and the colours
// of the four risk bands (低风险 blue, 一般风险 yellow, 较大风险 orange,
// 重大风险 red).
export const hazardStatus = {
  open: '登记', rectifying: '整改中', submitted: '已整改待复查', closed: '已销号'
}
export const hazardStatusType = {
  open: 'danger', rectifying: 'warning', submitted: 'primary', closed: 'success'
}
export const hazardLevel = { general: '一般隐患', major: '重大隐患' }
export const taskStatus = { none: '待检查', expiring: '即将到期', valid: '在有效期内' }
export const taskStatusType = { none: 'danger', expiring: 'warning', valid: 'success' }
export const stages = {
  kindergarten: '幼儿园', primary: '小学', junior: '初中', senior: '普通高中',
  'nine-year': '九年一贯制', 'complete-secondary': '完全中学', 'twelve-year': '十二年一贯制',
  vocational: '中等职业学校', special: '特殊教育学校'
}
export const baselineElements = {
  guards: '专职保安员配备', 'closed-campus': '封闭化管理',
  'alarm-video': '一键式报警和视频监控联网', 'protection-posts': '护学岗'
}
// A four-100% element's (or all four's) state: met, not_met, or
// unassessed (未评估: the school's indicator system has no item for the
// element; grey, never red: it is not a failure).
export const baselineStatus = { met: '达到', not_met: '未达到', unassessed: '未评估' }
export const baselineStatusType = { met: 'success', not_met: 'danger', unassessed: 'info' }
export const baselineShort = {
  guards: '保安员', 'closed-campus': '封闭管理', 'alarm-video': '报警联网', 'protection-posts': '护学岗'
}
export const bandColours = {
  blue: { bg: '#1f5fbf', fg: '#fff', label: '低风险' },
  yellow: { bg: '#f2c200', fg: '#1d1d1d', label: '一般风险' },
  orange: { bg: '#e56a00', fg: '#fff', label: '较大风险' },
  red: { bg: '#c81e1e', fg: '#fff', label: '重大风险' }
}
export const bandIdColour = { low: 'blue', general: 'yellow', elevated: 'orange', major: 'red' }
export const securityActions = {
  login: '登录', login_failed: '登录失败', logout: '退出', user_locked: '账号锁定',
  user_added: '新增用户', user_updated: '修改用户', user_disabled: '停用用户',
  user_enabled: '启用用户', user_unlocked: '解除锁定', password_changed: '修改密码',
  password_reset: '重置密码', grant_added: '授予角色', grant_revoked: '撤销角色',
  totp_enrolled: '绑定双因素', totp_reset: '重置双因素'
}
export const roles = {
  admin: '系统管理员', city: '市局', district: '区县', school: '学校', inspector: '检查员'
}
