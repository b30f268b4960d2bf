// The browser pages of schoolrisk, built to web/dist and served by
// `schoolrisk serve` (its static handler, src/web/static.c).  base './'
// with the router's hash history: no server fallback route is needed.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

export default defineConfig({
  base: './',
  // Each page imports the Element Plus components its template uses (the
  // resolver writes the imports), so that a page's chunk holds what it
  // draws and the first page does not load the whole library.  The
  // styles stay one file (element-plus/dist/index.css, main.js).
  plugins: [vue(), Components({ dts: false, resolvers: [ElementPlusResolver({ importStyle: false })] })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Vue and its router in one chunk every page needs; Element Plus
    // split by rollup along the pages that use each component; ECharts
    // in the city's pages only.
    chunkSizeWarningLimit: 900,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          if (id.includes('node_modules/qrcode')) return 'qrcode'
          if (/node_modules\/(@vue|vue|vue-router)\//.test(id)) return 'vue'
          // rollup's CommonJS helpers, else put beside the first CommonJS
          // module (qrcode) and loaded by every page
          if (id.includes('commonjsHelpers')) return 'vue'
        }
      }
    }
  },
  server: {
    // `npm run dev` against a local `schoolrisk serve --listen 127.0.0.1:18090`.
    proxy: { '/api': 'http://127.0.0.1:18090' }
  }
})
