/**
 * The wire sniffer's websocket half: one line per frame, both ways, after the handshake's exchange is printed:
 *
 *   ws GET http://127.0.0.1:8001/ <- server text 24 bytes: 2026-12-07T08:00:00.000Z
 *   ws GET http://127.0.0.1:8001/ -> client close 2 bytes: 1000 bye
 *
 * `->` is client to server, `<-` server to client. Text shows as text (at most `textCap` characters, then
 * `…`), other payloads by size only; a frame over the observer's cap says `(cut)`.
 */
import { describe, type Filter } from '../core/http.ts'
import { observeWebsocket, type ObservedFrame } from './websocket-observer.ts'
import type { Request } from '../core/message.ts'

type Out = { write(s: string): unknown }

export function printFrames(out: Out, textCap = 200): Filter {
  const observe = observeWebsocket((frame, req) => out.write(frameLine(frame, req, textCap)))
  return describe('prints each websocket frame, both ways, one line each', observe)
}

export function frameLine(frame: ObservedFrame, req: Request, textCap = 200): string {
  const arrow = frame.direction === 'client' ? '->' : '<-'
  let line = `ws ${req.method} ${req.target} ${arrow} ${frame.direction} ${frame.kind} ${frame.size} bytes${frame.truncated ? ' (cut)' : ''}`
  if (frame.close)
    line += `: ${frame.close.code}${frame.close.reason ? ` ${oneLine(frame.close.reason, textCap)}` : ''}`
  else if (frame.text !== undefined) line += `: ${oneLine(frame.text, textCap)}`
  return `${line}\n`
}

function oneLine(text: string, cap: number): string {
  const flat = text.replace(/\r?\n/g, '\\n')
  return flat.length > cap ? `${flat.slice(0, cap)}…` : flat
}
