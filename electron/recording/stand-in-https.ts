/**
 * The stand-in for HTTPS clients: a CONNECT is answered 200 and its TLS terminated with a leaf from the local
 * CA (as the intercepting proxy does, `interceptConnect`); the decrypted requests, given absolute
 * `https://host:port/path` targets, go through the app's whole pipeline and are answered from the recording.
 * Nothing is ever sent to a server: a CONNECT stream that is not TLS is closed, not tunnelled.
 */
import type { HttpHandler } from '../core/http.ts'
import { generatedResponse, type Request, type Response } from '../core/message.ts'
import { interceptConnect, type TlsInterception } from '../tls/intercept-connect.ts'
import type { StandIn } from './stand-in.ts'

/** The stand-in as an app's handler, and, when it decrypts HTTPS, how decrypted requests get back into the pipeline. */
export interface StandInHttps {
  readonly handler: StandIn
  readonly reenter?: (pipeline: HttpHandler) => void
}

/** The stand-in answering HTTPS through CONNECT too; without `tls`, the stand-in alone (a CONNECT is a miss). */
export function answerHttps(standIn: StandIn, tls: TlsInterception | undefined): StandInHttps {
  if (!tls) return { handler: standIn }
  const reentry: { pipeline: HttpHandler } = { pipeline: standIn }
  const connect = interceptConnect({
    // Stryker disable next-line ArrayDeclaration: a pass-through host named "Stryker was here" matches no host a client can CONNECT to, so it is the same as none
    tls: { ...tls, passthrough: [] },
    decrypted: (req) => reentry.pipeline(req),
    raw: refuseTunnel,
  })
  const handler = function answerFromRecordingOrDecrypt(req: Request): Promise<Response> {
    return req.method === 'CONNECT' ? connect(req) : standIn(req)
  }
  const described = Object.defineProperty(
    Object.assign(handler, { reset: standIn.reset, loaded: standIn.loaded }),
    'description',
    {
      get: () =>
        `${standIn.description}; decrypts HTTPS inside CONNECT with the Nanoscope CA and answers it from the recording too`,
      enumerable: true,
    },
  ) as StandIn
  return {
    handler: described,
    reenter: (pipeline) => {
      reentry.pipeline = pipeline
    },
  }
}

async function refuseTunnel(req: Request): Promise<Response> {
  return generatedResponse(
    502,
    'bad-gateway',
    `the stand-in never contacts servers, and the stream to ${req.target} is not TLS it could answer`,
  )
}
