/**
 * Websocket handshakes on their way upstream (RFC 6455 §4.1). The client adapter already sends an Upgrade
 * request with its headers as received and turns a 101 into a response whose `tunnel` joins the two sockets;
 * this handler adds what a proxy needs around it:
 *
 * - `ws://` and `wss://` targets (some clients send them in absolute form) go out as `http://` / `https://`;
 * - a 101 that switched to websocket is tagged `websocket` (in place of the client's generic `upgrade`);
 * - a refusal (any other status) comes back as the ordinary response it is.
 */
import type { HttpHandler } from '../core/http.ts'
import { withTarget, type Request, type Response } from '../core/message.ts'
import { isWebsocketSwitch } from '../core/websocket/handshake.ts'

export function websocketUpstream(client: HttpHandler): HttpHandler {
  return async function sendWebsocketHandshake(req: Request): Promise<Response> {
    const target = req.target.replace(/^ws(s?):\/\//i, (_, s: string) => `http${s}://`)
    const res = await client(target === req.target ? req : withTarget(req, target))
    if (!isWebsocketSwitch(res)) return res
    return Object.freeze({ ...res, tags: [...(res.tags ?? []).filter((t) => t !== 'upgrade'), 'websocket'] })
  }
}
