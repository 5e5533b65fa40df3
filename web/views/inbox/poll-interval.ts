/** How often the inbox reloads its first page while visible. */
export const DEFAULT_POLL_MS = 15_000;
/** The fastest the address may ask for: each poll is one page query of at most 50 items. */
export const MIN_POLL_MS = 500;

/** The poll interval: `?pollMs=` in the page's address (tests, demos) within bounds, else every 15 s. */
export function pollIntervalOf(search: string): number {
  const asked = Number(new URLSearchParams(search).get('pollMs'));
  return Number.isFinite(asked) && asked > 0 ? Math.min(DEFAULT_POLL_MS * 4, Math.max(MIN_POLL_MS, Math.round(asked))) : DEFAULT_POLL_MS;
}
