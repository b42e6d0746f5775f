/**
 * What `nanoscope help`, `nanoscope help <command>` and `nanoscope <command> --help` print: one entry per
 * command in COMMAND_HELP (a summary line for the overview, and the usage with every option and its
 * default). A new command adds one entry here and one in main.ts's COMMANDS; a test checks that every flag a
 * command parses is named in its usage.
 */
import { TLS_USAGE } from './tls-flags.ts'

export interface CommandHelp {
  /** One line for the overview. */
  readonly summary: string
  /** The synopsis and description, then the options, each with its default. */
  readonly usage: string
}

const LISTEN = (
  port: string,
) => `  --host H              address to listen on (default 127.0.0.1; anything else is reachable from the network)
  --port N              port to listen on (default ${port}; 0 picks a free one)`

const PROXY_OPTIONS = `${LISTEN('8080')}
  --target URL          reverse proxy: send every request under this base URL
                        (default: none, a forward proxy for HTTP_PROXY / curl -x, and CONNECT)
  --https-upstream      the seed's protocol switch: plain HTTP in, HTTPS out (default off)
  --print-pipeline      print the pipeline file that "nanoscope run" runs to the same effect; start nothing
                        (default off)`

const OUT = `
  --out FILE            write the printed text to FILE (replaced) instead of stdout (default: stdout)`

const proxyHelp = (command: string, summary: string, description: string, extra = ''): CommandHelp => ({
  summary,
  usage: `Usage: nanoscope ${command} [options]
${description}

Options:
${PROXY_OPTIONS}${extra}
${TLS_USAGE}`,
})

export const COMMAND_HELP: Record<string, CommandHelp> = {
  proxy: proxyHelp(
    'proxy',
    'simple proxy (seed app 1): forwards plain-HTTP requests upstream',
    'Seed app 1, the simple proxy: every request is forwarded upstream and its answer passed back.',
  ),
  latency: proxyHelp(
    'latency',
    'latency-reporting proxy (seed app 2): one line per exchange with its timing',
    'Seed app 2: the proxy, plus one line per exchange on stdout: GET http://h/p 200 12.3ms',
    OUT,
  ),
  sniff: proxyHelp(
    'sniff',
    'wire-sniffing proxy (seed app 3): prints each request and response as on the wire',
    'Seed app 3: the proxy, plus what crossed the wire upstream, printed on stdout: each request as it was sent\n(hop-by-hop headers gone, Via added), the response as it came back, and websocket frames one line each.',
    OUT,
  ),
  chaos: proxyHelp(
    'chaos',
    'chaos proxy (seed app 7): the proxy plus a chaos engine with an OpenAPI-documented control API',
    "Seed app 7: the proxy plus a chaos engine (off unless --active), switched through its control API\n(http4k's /chaos/status, /activate, ...), served on the proxy's own address and on a control port.",
    `
  --control-port N      port for the control API (default 0: a free one; the second line gives its URL)
  --seed N              makes random decisions reproducible (default: random)
  --active              start with chaos on: Always Latency 100-500 ms, as http4k's example (default off)`,
  ),
  record: proxyHelp(
    'record',
    'recording proxy (seed app 4): every exchange appended to a session directory',
    'Seed app 4, record: the proxy, with every exchange appended to a session directory.',
    `
  --dir D               the session directory, or s3://bucket/prefix/NAME (uploaded every 5 s and on stop)
                        (default: a new one under <data dir>/sessions)
  --name N              the session's name (default: none; the directory's name is used)`,
  ),
  replay: {
    summary: "sends a recorded session's requests to a server again and compares the answers",
    usage: `Usage: nanoscope replay --session D [options]
Sends the recorded requests again, in order, and compares each answer with the recorded one.
Exits 0 when every answer matched the recording, 1 otherwise.

Options:
  --session D           a session directory, a session's name under the data directory, or
                        s3://bucket/prefix/NAME (required)
  --target URL          send the requests under this base URL (default: each request's recorded URL)
  --speed S             1x, 2x, 0.5x, ... keeps the recorded gaps scaled; max sends back to back (default 1x)
  --concurrency N       requests in flight at once (default 1)
  --limit N             send at most N requests (default: all)
  --timeout-ms N        stop the whole run after N ms (default 300000)
  --json                print the comparison report as JSON (default: text)
  --upstream-ca FILES   extra CA certificates (PEM) to trust for https servers, comma-separated (default none)
  --insecure-upstream   do not verify https servers' certificates (default: verified; a bad one fails that request)
`,
  },
  standin: {
    summary: 'answers from a recorded session in place of the server',
    usage: `Usage: nanoscope standin --session D [options]
Answers from a recording in place of the server, as a server or as a forward proxy (HTTP_PROXY, curl -x),
HTTPS included: a CONNECT is decrypted with the Nanoscope CA and answered from the recording; nothing is
ever sent to a server. A request matches a recording made over either scheme (same scheme first). A miss
is a 404 naming the nearest recordings, by how alike the path is, then method and query.

Options:
  --session D           the recording to answer from: a directory, a session's name or s3://… (required)
${LISTEN('8080')}
  --match-body          requests must also match the recorded body (default off)
  --match-header H      requests must also match this header (repeatable or comma-separated; default none)
  --ignore-query Q      ignore this query parameter when matching (repeatable or comma-separated; default none)
  --no-intercept        answer CONNECT with a 404 instead of decrypting it (default: decrypt, as the proxies do)
  --ca-dir DIR          where the Nanoscope CA lives (default <data dir>/ca; see "nanoscope ca")
`,
  },
  har: {
    summary: 'export a session as HAR 1.2, or import a HAR file as a session',
    usage: `Usage: nanoscope har export --session D [--out FILE]
       nanoscope har import FILE [--dir D] [--name N]
HAR 1.2 out of a session, or a HAR file into a new session.

Options (export):
  --session D           the session to export: a directory, a session's name or s3://… (required)
  --out FILE            where to write the HAR (default: stdout)
Options (import):
  --dir D               the session directory to write, or s3://bucket/prefix/NAME
                        (default: a new one under <data dir>/sessions)
  --name N              the session's name (default: har-import)
`,
  },
  export: {
    summary: 'a session as a load script: k6 (JavaScript) or Artillery 2.x (YAML), the recorded requests in order',
    usage: `Usage: nanoscope export k6 --session S [--out FILE.js] [options]
       nanoscope export artillery --session S [--out FILE.yml] [options]
Writes a script that sends the recorded requests in order (method, path and query, headers but hop-by-hop
ones, Host and Content-Length, bodies), pausing for the recorded idle time between them: run it with
"k6 run FILE.js" or "artillery run FILE.yml", locally or on their distributed runners. The k6 script is
written by Grafana's har-to-k6. Bodies a script cannot carry as text go in files in FILE.bodies/ beside it.

Options:
  --session S           the session to export: a directory, a session's name or s3://… (required)
  --out FILE            where to write the script (default: stdout; required when bodies go in files)
  --target URL          send the requests under this base URL (default: each request's recorded URL)
  --speed S             1x keeps the recorded pauses, 2x halves them, max drops them (default 1x)
`,
  },
  sessions: {
    summary: 'lists the sessions in a folder or under an s3://bucket/prefix: location, start, exchanges, size',
    usage: `Usage: nanoscope sessions list [DIR | s3://bucket/prefix] [--json]
Lists the sessions in DIR (default: <data dir>/sessions) or directly under an S3 prefix, newest first, one a
line: where it is, when it started, how many exchanges and how many bytes it holds.

Options:
  --json                print a JSON array instead (default: text)
`,
  },
  static: {
    summary: 'static file server (seed app 5): serves a folder',
    usage: `Usage: nanoscope static [options]
Seed app 5: serves a folder (index.html for folders, content types by extension, nothing outside it).

Options:
  --dir D               folder to serve (default .)
  --dotfiles deny|allow deny answers 404 for /.env, /.git/config and every other dot-path but
                        /.well-known/; allow serves them (default deny)
${LISTEN('8000')}
`,
  },
  clock: {
    summary: 'websocket clock (seed app 6): the time every interval to each client',
    usage: `Usage: nanoscope clock [options]
Seed app 6: a websocket app sending the current time to each client every interval.

Options:
  --interval MS         milliseconds between ticks (default 1000)
${LISTEN('8001')}
`,
  },
  ca: {
    summary: 'the local certificate authority for HTTPS interception: path and fingerprints, or --export FILE',
    usage: `Usage: nanoscope ca [options]
Makes the local CA if there is none, then prints where its certificate is and its fingerprints.

Options:
  --dir D               the CA's folder (default: <data dir>/ca, where the proxies look for it)
  --export FILE         also write the CA certificate (PEM) to FILE, to import into a browser or OS (default: none)
`,
  },
  serve: {
    summary: 'the inspector UI in a browser, with a forward proxy (same UI as the desktop app)',
    usage: `Usage: nanoscope serve [options]
The inspector UI in any browser (line 1 gives its URL with a token), with a forward proxy running (line 2).

Options:
  --host H              address for the UI (default 127.0.0.1)
  --port N              port for the UI (default 0: a free one)
  --proxy-port N        port for the forward proxy (default 8080, or a free one if 8080 is taken)
  --pipeline FILE       also start the listeners of a pipeline file, and follow its saves (default none)
${TLS_USAGE}`,
  },
  run: {
    summary: "runs a pipeline file's listeners and follows its saves (run --check FILE, run --schema)",
    usage: `Usage: nanoscope run [options] FILE
Starts every listener of a pipeline file (one line each: nanoscope run listening on http://HOST:PORT (NAME)),
and follows the file: a save that validates applies to new exchanges; one that does not is refused, with why.
Script blocks' files are followed too: a save that loads applies to new exchanges; one that does not keeps the
previous version and prints one line on stderr naming the file and the error.

Options:
  --check               validate FILE only: exit 0, or exit 2 with every problem named by its JSON path; script
                        blocks' files are loaded (their top-level code runs) and checked too (default off)
  --schema              print the pipeline file's JSON Schema and exit (no FILE) (default off)
  --no-watch            do not follow saves (default: follow them)
  --ca-dir DIR          where the Nanoscope CA lives, for listeners that intercept HTTPS (default: <data dir>/ca)
`,
  },
}

const COMMON = `Every server command prints "nanoscope <command> listening on <url>" as its first line and exits 0 on
SIGINT or SIGTERM. Usage errors exit 2; a runtime failure (a port in use) exits 1.
`

export const OVERVIEW = `Usage: nanoscope <command> [options]

Commands:
${Object.entries(COMMAND_HELP)
  .map(([name, h]) => `  ${name.padEnd(9)} ${h.summary}`)
  .join('\n')}
  help      this text; "nanoscope help <command>" (or "nanoscope <command> --help") for a command's options

Options: --help (-h) this text, --version (-v) the version.
${COMMON}`

/** The usage of one command, as `--help` prints it; undefined for an unknown command. */
export function helpFor(command: string): string | undefined {
  const help = Object.hasOwn(COMMAND_HELP, command) ? COMMAND_HELP[command] : undefined
  return help && `${help.usage}  -h, --help            this text\n`
}

/** The whole reference: the overview, then every command's usage (`nanoscope help all`). */
export const USAGE = `${OVERVIEW}\n${Object.keys(COMMAND_HELP)
  .map((name) => helpFor(name))
  .join('\n')}`
