import { useState } from 'preact/hooks';
import type { DraftEditing, FieldIssue } from './hitl-model.ts';

/**
 * The editing state an editor form keeps about its draft: `editing` applies a change (then `onEdit`,
 * then a redraw) and flags a field the form finds wrong before the server sees it; `issues` are the
 * server's refusals and the form's own flags together, each to be placed next to its field.
 */
export function useDraftEditing(onEdit: () => void = () => undefined) {
  const [serverIssues, setServerIssues] = useState<readonly FieldIssue[]>([]);
  const [localIssues, setLocalIssues] = useState<ReadonlyMap<string, string>>(new Map());
  const [, redraw] = useState(0);
  const editing: DraftEditing = {
    edit: (change) => {
      change();
      onEdit();
      redraw((n) => n + 1);
    },
    localIssue: (path, message) =>
      setLocalIssues((before) => {
        const next = new Map(before);
        if (message) next.set(path, message);
        else next.delete(path);
        return next;
      }),
  };
  const issues: FieldIssue[] = [...serverIssues, ...[...localIssues].map(([path, message]) => ({ path, message, local: true }))];
  return { editing, issues, localIssues, setLocalIssues, setServerIssues };
}
