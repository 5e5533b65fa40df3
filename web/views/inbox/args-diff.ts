/** One argument that an edit changed, with its JSON text before and after. */
export interface ArgChange {
  readonly key: string;
  readonly kind: 'changed' | 'added' | 'removed';
  readonly before?: string;
  readonly after?: string;
}

const text = (value: unknown) => JSON.stringify(value);

/** The arguments that differ between the proposed and the edited ones, proposed order first, then the new ones. */
export function diffArgs(proposed: Readonly<Record<string, unknown>>, edited: Readonly<Record<string, unknown>>): ArgChange[] {
  const changes: ArgChange[] = [];
  for (const [key, value] of Object.entries(proposed)) {
    if (!(key in edited)) changes.push({ key, kind: 'removed', before: text(value) });
    else if (text(value) !== text(edited[key])) changes.push({ key, kind: 'changed', before: text(value), after: text(edited[key]) });
  }
  for (const [key, value] of Object.entries(edited)) if (!(key in proposed)) changes.push({ key, kind: 'added', after: text(value) });
  return changes;
}
