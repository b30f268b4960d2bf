// The browser pages of schoolrisk, built to web/dist and served by
// `schoolrisk serve` (its static handler, src/web/static.c).  base './'
// with the router's hash history: no server fallback route is needed.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  base: './',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Chunks under the bundle budget; ECharts goes into the city's pages only.
    chunkSizeWarningLimit: 900,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          if (id.includes('node_modules/qrcode')) return 'qrcode'
          if (id.includes('node_modules/')) return 'vendor'
        }
      }
    }
  },
  server: {
    // `npm run dev` against a local `schoolrisk serve --listen 127.0.0.1:18090`.
    proxy: { '/api': 'http://127.0.0.1:18090' }
  }
})
