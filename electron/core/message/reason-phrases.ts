/** The standard reason phrases (RFC 9110 §15) for the statuses Nanoscope makes or meets most. */

const REASONS: Record<number, string> = {
  100: 'Continue',
  101: 'Switching Protocols',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  206: 'Partial Content',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  416: 'Range Not Satisfiable',
  418: "I'm a teapot",
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  /** nginx's, not RFC 9110's: Nanoscope gives it to exchanges the client cut short (client-failure.ts). */
  499: 'Client Closed Request',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

/** The standard reason phrase for a status, or empty for one not listed. */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? ''
}
