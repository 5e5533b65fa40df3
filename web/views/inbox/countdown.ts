/** Under this much time left, the due time shows in red. */
export const URGENT_MS = 5 * 60_000;

export interface Countdown {
  /** "due in 4m 05s", "due in 2h 10m", "overdue". */
  readonly text: string;
  readonly urgent: boolean;
  readonly overdue: boolean;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** How long until `dueAt`, as of `nowMs`; what the API sent when it is not a date. */
export function countdown(dueAt: string, nowMs: number): Countdown {
  const due = Date.parse(dueAt);
  if (Number.isNaN(due)) return { text: `due ${dueAt}`, urgent: false, overdue: false };
  const left = due - nowMs;
  if (left <= 0) return { text: 'overdue', urgent: true, overdue: true };
  const seconds = Math.floor(left / 1000);
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const text = days > 0 ? `${days}d ${hours}h` : hours > 0 ? `${hours}h ${pad(minutes)}m` : `${minutes}m ${pad(seconds % 60)}s`;
  return { text: `due in ${text}`, urgent: left < URGENT_MS, overdue: false };
}
