// Answers given while the connection is down: kept in localStorage,
// keyed by assessment and item (the last answer given wins), and sent
// when the connection returns (the online event, and a retry timer).
// PUT /assessments/{id}/answers/{item} is idempotent, so sending an
// answer twice never duplicates it.
import { reactive } from 'vue'

const KEY = id => `schoolrisk.pending.${id}`

export const pendingState = reactive({ counts: {} })

export function loadPending(id) {
  try { return JSON.parse(localStorage.getItem(KEY(id)) || '{}') } catch { return {} }
}

function store(id, map) {
  const n = Object.keys(map).length
  if (n) localStorage.setItem(KEY(id), JSON.stringify(map))
  else localStorage.removeItem(KEY(id))
  pendingState.counts[id] = n
}

/** Remember answer a ({value, note, files}) of item; returns its stamp. */
export function keepPending(id, item, a) {
  const map = loadPending(id)
  const stamp = Date.now() + Math.random()
  map[item] = { ...a, stamp }
  store(id, map)
  return stamp
}

/** Forget the answer of item if it is still the one with stamp. */
export function dropPending(id, item, stamp) {
  const map = loadPending(id)
  if (map[item] && (stamp === undefined || map[item].stamp === stamp)) {
    delete map[item]
    store(id, map)
  }
}

export function countPending(id) {
  const n = Object.keys(loadPending(id)).length
  pendingState.counts[id] = n
  return n
}
