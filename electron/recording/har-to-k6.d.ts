/** Grafana's har-to-k6 (no types of its own): the one function k6-export.ts calls. */
declare module 'har-to-k6' {
  export function liHARToK6Script(archive: unknown, options?: { addSleep?: boolean }): Promise<{ main: string }>
}
