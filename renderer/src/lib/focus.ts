/** Gives the traffic table the keyboard focus (after the detail pane closes), once React has drawn. */
export function focusTable(): void {
  requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="grid"]')?.focus())
}
