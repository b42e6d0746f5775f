import { TLS_USAGE } from './tls-flags.ts'
import { CA_USAGE } from './ca-command.ts'

export const USAGE = `Usage: nanoscope <command> [options]

Commands:
  proxy     simple proxy (seed app 1): forwards plain-HTTP requests upstream
  latency   latency-reporting proxy (seed app 2): one line per exchange with its timing
  sniff     wire-sniffing proxy (seed app 3): prints each request and response as on the wire
  chaos     chaos proxy (seed app 7): the proxy plus a chaos engine with an OpenAPI-documented control API
  static    static file server (seed app 5): serves a folder
  clock     websocket clock (seed app 6): the time every interval to each client
  record    recording proxy (seed app 4): every exchange appended to a session directory
  replay    sends a recorded session's requests to a server again and compares the answers
  standin   answers from a recorded session in place of the server
  har       export a session as HAR 1.2, or import a HAR file as a session
  ca        the local certificate authority for HTTPS interception: path and fingerprints, or --export FILE
  serve     the inspector UI in a browser, with a forward proxy (same UI as the desktop app)
  run       runs a pipeline file's listeners and follows its saves (run --check FILE, run --schema)
  help      this text

Proxy options (proxy, latency, sniff):
  --host H            address to listen on (default 127.0.0.1)
  --port N            port to listen on (default 8080; 0 picks a free one)
  --target URL        reverse proxy: send every request under this base URL
  --https-upstream    switch the upstream protocol from http to https
  --print-pipeline    print the pipeline file that "nanoscope run" runs to the same effect, start nothing
                      (proxy, latency, sniff, record, chaos)

Chaos options (the proxy options, plus):
  --control-port N    port for the control API (default: a free one); the second line gives its URL
  --seed N            makes random decisions reproducible
  --active            start with chaos on (Always Latency 100-500 ms, as http4k's example)

${TLS_USAGE}
${CA_USAGE}
Record options (the proxy options, plus):
  --dir D             the session directory (default: a new one under the data directory)
  --name N            the session's name

Replay options:
  --session D         a session directory, or a session's name under the data directory
  --target URL        send the requests under this base URL instead of the recorded one
  --speed S           1x (default), 2x, 0.5x, … keeps recorded gaps scaled; max sends back to back
  --concurrency N     requests in flight at once (default 1)
  --limit N           send at most N requests
  --timeout-ms N      stop the whole run after N ms (default 300000)
  --json              print the comparison report as JSON
  Exits 0 when every answer matched the recording, 1 otherwise.

Stand-in options:
  --session D         the recording to answer from
  --host H, --port N  where to listen (default 127.0.0.1:8080)
  --match-body        requests must also match the recorded body
  --match-header H    requests must also match this header (repeatable)
  --ignore-query Q    ignore this query parameter when matching (repeatable)

HAR:
  nanoscope har export --session D [--out FILE]    (stdout without --out)
  nanoscope har import FILE --dir D [--name N]

Static options:
  --dir D             folder to serve (default .)
  --host H, --port N  where to listen (default 127.0.0.1:8000)

Clock options:
  --interval MS       milliseconds between ticks (default 1000)
  --host H, --port N  where to listen (default 127.0.0.1:8001)

Serve options:
  --host H            address for the UI (default 127.0.0.1)
  --port N            port for the UI (default 0: a free one)
  --proxy-port N      port for the forward proxy it starts (default 8080, or a free one if taken)
  --pipeline FILE     also start the listeners of a pipeline file, following its saves
  (and the HTTPS options above)

Run options:
  nanoscope run FILE          start every listener of the file; follow its saves (--no-watch: don't)
  nanoscope run --check FILE  validate only: exit 0, or exit 2 with every problem named by its JSON path
  nanoscope run --schema      print the pipeline file's JSON Schema
  --ca-dir DIR                where the Nanoscope CA lives, for listeners that intercept HTTPS

Every server command prints "nanoscope <command> listening on <url>" as its first line and exits 0 on
SIGINT or SIGTERM. Usage errors exit 2; a port in use exits 1.
`
