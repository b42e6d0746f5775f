import { describe, type Filter } from '../http.ts'
import { generatedResponse } from '../message.ts'

/**
 * The outermost safety net (failures are values at the HTTP boundary; a throw is a bug): anything thrown below
 * becomes a generated 500 whose body says `Nanoscope failed: <message>`, so a bug shows up as an answer the UI can
 * explain instead of a dropped socket.
 */
export function catchAll(): Filter {
  return describe('turns any error into a 500 that says what failed', (next) =>
    async function catchEverything(req) {
      try {
        return await next(req)
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        return generatedResponse(500, 'internal', `Nanoscope failed: ${message}`)
      }
    })
}
