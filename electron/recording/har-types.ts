/** The HAR 1.2 shapes Nanoscope writes (http://www.softwareishard.com/blog/har-12-spec/). `_` fields are ours. */
export interface HarNameValue {
  name: string
  value: string
}
export interface HarCookie {
  name: string
  value: string
  path?: string
  domain?: string
  expires?: string
  httpOnly?: boolean
  secure?: boolean
}

export interface Har {
  log: {
    version: '1.2'
    creator: { name: string; version: string }
    entries: HarEntry[]
    comment?: string
  }
}

export interface HarEntry {
  startedDateTime: string
  time: number
  request: {
    method: string
    url: string
    httpVersion: string
    cookies: HarCookie[]
    headers: HarNameValue[]
    queryString: HarNameValue[]
    headersSize: number
    bodySize: number
    postData?: { mimeType: string; text: string; _encoding?: 'base64' }
    /** Ours: trailer fields after the body (HAR 1.2 has no place for them). */
    _trailers?: HarNameValue[]
  }
  response: {
    status: number
    statusText: string
    httpVersion: string
    cookies: HarCookie[]
    headers: HarNameValue[]
    content: { size: number; mimeType: string; text?: string; encoding?: 'base64'; compression?: number }
    redirectURL: string
    headersSize: number
    bodySize: number
    /** Ours: trailer fields after the body (gRPC's `grpc-status`…). */
    _trailers?: HarNameValue[]
  }
  cache: Record<string, never>
  timings: {
    send: number
    wait: number
    receive: number
    blocked?: number
    dns?: number
    connect?: number
    ssl?: number
  }
  comment?: string
  _nanoscope?: {
    tags?: string[]
    truncated?: { request?: number; response?: number }
    incomplete?: { request?: number | null; response?: number | null }
    generated?: { cause: string; message: string }
    note?: string
  }
}
