/** What a key does in the inbox. */
export type InboxCommand = 'next' | 'previous' | 'approve' | 'reject' | 'edit' | 'toggle-batch' | 'help';

/** The inbox's keys and what they do, in the order the help dialog lists them. */
export const SHORTCUTS: readonly (readonly [key: string, command: InboxCommand, description: string])[] = [
  ['j', 'next', 'open the next request'],
  ['k', 'previous', 'open the previous request'],
  ['a', 'approve', 'approve the open request'],
  ['r', 'reject', 'reject the open request: type the reason, then Enter (asks first)'],
  ['e', 'edit', 'edit the arguments'],
  ['x', 'toggle-batch', 'add the open request to the batch, or take it out'],
  ['?', 'help', 'list these shortcuts'],
];

/** The parts of a key event that decide whether it is a shortcut. */
export interface KeyLike {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  /** The element that has focus, by tag name and whether it is editable. */
  readonly target: { readonly tagName?: string; readonly isContentEditable?: boolean } | null;
}

const TYPING_TAGS = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

/** The command a key press asks for; none while typing in a field or with Ctrl, Alt or Meta held. */
export function commandOf(event: KeyLike): InboxCommand | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  const target = event.target;
  if (target && (TYPING_TAGS.has((target.tagName ?? '').toUpperCase()) || target.isContentEditable === true)) return null;
  return SHORTCUTS.find(([key]) => key === event.key)?.[1] ?? null;
}

/** The id `steps` away from `current` among `ids` (the first one when nothing is open), staying within the list. */
export function moveSelection(ids: readonly string[], current: string | null, steps: number): string | null {
  if (ids.length === 0) return null;
  const at = current === null ? -1 : ids.indexOf(current);
  if (at === -1) return steps > 0 ? ids[0]! : ids[ids.length - 1]!;
  return ids[Math.min(ids.length - 1, Math.max(0, at + steps))]!;
}
