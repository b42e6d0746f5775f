export const USAGE = `Usage: nanoscope <command> [options]

Commands:
  proxy     simple proxy (seed app 1): forwards plain-HTTP requests upstream
  latency   latency-reporting proxy (seed app 2): one line per exchange with its timing
  sniff     wire-sniffing proxy (seed app 3): prints each request and response as on the wire
  chaos     chaos proxy (seed app 7): the proxy plus a chaos engine with an OpenAPI-documented control API
  static    static file server (seed app 5): serves a folder
  clock     websocket clock (seed app 6): the time every interval to each client
  serve     the inspector UI in a browser, with a forward proxy (same UI as the desktop app)
  help      this text

Proxy options (proxy, latency, sniff):
  --host H            address to listen on (default 127.0.0.1)
  --port N            port to listen on (default 8080; 0 picks a free one)
  --target URL        reverse proxy: send every request under this base URL
  --https-upstream    switch the upstream protocol from http to https

Chaos options (the proxy options, plus):
  --control-port N    port for the control API (default: a free one); the second line gives its URL
  --seed N            makes random decisions reproducible
  --active            start with chaos on (Always Latency 100-500 ms, as http4k's example)

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

Every server command prints "nanoscope <command> listening on <url>" as its first line and exits 0 on
SIGINT or SIGTERM. Usage errors exit 2; a port in use exits 1.
`
