// Evidence files (photos): the raw body of POST /api/v1/evidence, then
// referred to by their SHA-256.
import { api } from './api.js'

export async function uploadEvidence(school, file) {
  return api('POST', '/evidence', {
    query: { school, name: file.name || 'photo.jpg' },
    raw: file,
    type: file.type || 'application/octet-stream'
  })
}

export const evidenceUrl = sha => `api/v1/evidence/${sha}`
