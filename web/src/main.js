import { createApp } from 'vue'
import 'element-plus/dist/index.css'
import './style.css'
import App from './App.vue'
import router from './router.js'
import element from './element.js'

createApp(App).use(element).use(router).mount('#app')
