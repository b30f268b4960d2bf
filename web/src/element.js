// What Element Plus needs besides the components (those are imported by
// each page: unplugin-vue-components, vite.config.js): the v-loading
// directive.
import { ElLoading } from 'element-plus/es/components/loading/index.mjs'

export default {
  install(app) {
    app.use(ElLoading)
  }
}
