// The pages, who may open each (the server decides anyway: a page only
// hides what the API would refuse), and the sign-in guard.
import { createRouter, createWebHashHistory } from 'vue-router'
import { session, setSession, homePath, hasRole } from './lib/session.js'
import { api, setUnauthorizedHandler } from './lib/api.js'
import Layout from './components/Layout.vue'
import Login from './views/Login.vue'

const B = ['city', 'district', 'school', 'inspector']
const routes = [
  { path: '/login', component: Login, meta: { title: '登录', public: true } },
  {
    path: '/', component: Layout, children: [
      { path: '', redirect: () => homePath() },
      { path: 'none', component: () => import('./views/NoRole.vue'), meta: { title: '无可用功能' } },
      { path: 'password', component: () => import('./views/Password.vue'), meta: { title: '修改密码' } },
      // 检查员
      { path: 'tasks', component: () => import('./views/Tasks.vue'), meta: { title: '我的任务', roles: ['inspector'] } },
      { path: 'assess/:id', component: () => import('./views/Assess.vue'), meta: { title: '检查表', roles: ['inspector', 'school'], parent: { title: '我的任务', path: '/tasks' } } },
      // 学校
      { path: 'school', component: () => import('./views/SchoolHome.vue'), meta: { title: '学校自查', roles: ['school'] } },
      { path: 'school/baseline', component: () => import('./views/SchoolBaseline.vue'), meta: { title: '四个100%', roles: ['school', 'inspector', 'district', 'city'] } },
      // 隐患
      { path: 'hazards', component: () => import('./views/Hazards.vue'), meta: { title: '隐患台账', roles: B } },
      { path: 'hazards/:id', component: () => import('./views/HazardDetail.vue'), meta: { title: '隐患详情', roles: B, parent: { title: '隐患台账', path: '/hazards' } } },
      { path: 'signoff', component: () => import('./views/Hazards.vue'), props: { signoff: true }, meta: { title: '督办销号', roles: ['city'] } },
      // 学校名录
      { path: 'schools', component: () => import('./views/Schools.vue'), meta: { title: '学校名录', roles: ['city', 'district'] } },
      { path: 'schools/:code', component: () => import('./views/SchoolDetail.vue'), meta: { title: '学校详情', roles: B, parent: { title: '学校名录', path: '/schools' } } },
      { path: 'baseline', component: () => import('./views/Baseline.vue'), meta: { title: '四个100%', roles: ['city', 'district'] } },
      { path: 'period-signoff', component: () => import('./views/Signoff.vue'), meta: { title: '期末签批', roles: ['city', 'district'] } },
      { path: 'reports', component: () => import('./views/Reports.vue'), meta: { title: '报表下载', roles: ['city', 'district'] } },
      { path: 'whatif', component: () => import('./views/WhatIf.vue'), meta: { title: '整改预测', roles: ['city', 'district'] } },
      { path: 'bulletins', component: () => import('./views/Bulletins.vue'), meta: { title: '通报', roles: ['city', 'district'] } },
      // 市局
      { path: 'dashboard', component: () => import('./views/Dashboard.vue'), meta: { title: '全市概览', roles: ['city'] } },
      { path: 'districts/:code', component: () => import('./views/DistrictDetail.vue'), meta: { title: '区县概况', roles: ['city', 'district'], parent: { title: '全市概览', path: '/dashboard' } } },
      { path: 'systems', component: () => import('./views/Systems.vue'), meta: { title: '指标体系', roles: ['city'] } },
      { path: 'audit', component: () => import('./views/Audit.vue'), meta: { title: '审计校验', roles: ['city'] } },
      { path: 'experts', component: () => import('./views/Experts.vue'), meta: { title: '安全专家库', roles: ['city', 'district'] } },
      { path: 'plans', component: () => import('./views/Plans.vue'), meta: { title: '检查计划', roles: ['city', 'district'] } },
      { path: 'plans/:id', component: () => import('./views/Plans.vue'), meta: { title: '计划详情', roles: ['city', 'district'], parent: { title: '检查计划', path: '/plans' } } },
      // 系统管理员
      { path: 'admin/users', component: () => import('./views/Users.vue'), meta: { title: '用户管理', roles: ['admin'] } },
      { path: 'admin/log', component: () => import('./views/SecurityLog.vue'), meta: { title: '安全日志', roles: ['admin'] } },
      { path: ':rest(.*)*', component: () => import('./views/NotFound.vue'), meta: { title: '页面不存在' } }
    ]
  }
]

const router = createRouter({ history: createWebHashHistory(), routes })

async function loadSession() {
  try {
    setSession(await api('GET', '/session', { noRedirect: true }))
  } catch (e) {
    if (e.status === 401) setSession(null)
    else throw e
  }
}

router.beforeEach(async to => {
  if (!session.loaded) {
    // The session is asked for first (the browser opens few connections
    // at a time), then the first page's code is fetched meanwhile, not
    // after (a module is fetched once; the router's own call reuses it).
    const pending = loadSession()
    for (const r of to.matched) {
      const c = r.components && r.components.default
      if (typeof c === 'function') c().catch(() => {})
    }
    try { await pending } catch { if (!to.meta.public) return { path: '/login' } }
  }
  if (to.meta.public) return true
  if (!session.stage || session.stage !== 'full') {
    return { path: '/login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  if (to.meta.roles && !hasRole(...to.meta.roles)) return { path: homePath() }
  return true
})

router.afterEach(to => {
  document.title = (to.meta.title ? to.meta.title + ' - ' : '') + '学校安全风险评估系统'
})

setUnauthorizedHandler(() => {
  const cur = router.currentRoute.value
  if (!cur.meta.public) router.push({ path: '/login', query: { redirect: cur.fullPath, expired: '1' } })
})

export default router
