// Errors of a form: a message with error.field goes beside that field
// (el-form-item :error), any other above the form.
import { reactive } from 'vue'
import { ApiError, errorText } from './api.js'

export function useFormErrors() {
  const state = reactive({ fields: {}, general: '', details: [] })
  function clear() {
    state.fields = {}
    state.general = ''
    state.details = []
  }
  /** Show error e; map renames API fields to the form's (e.g. {old: 'old'}). */
  function show(e, map = {}) {
    clear()
    const msg = errorText(e)
    if (e instanceof ApiError && e.field) {
      const f = map[e.field] || e.field
      state.fields[f] = msg
      if (map[e.field] === null) state.general = msg
    } else {
      state.general = msg
    }
    if (e instanceof ApiError) state.details = e.details || []
  }
  return { state, clear, show }
}
