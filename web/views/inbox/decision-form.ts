import { useRef, useState } from 'preact/hooks';
import { ApiError, segment } from '../../api/client.ts';
import type { ApprovalView, RespondBody, RespondResult } from '../../api/types.ts';
import { useApp } from '../../app-context.ts';
import { html } from '../../html.ts';
import { blocksApproval, readArgs } from './args-edit.ts';
import { ArgsEditor } from './args-editor.ts';
import { deliveryNote } from './describe.ts';
import { useToolSchema } from './use-tool-schema.ts';
import { useDecisionCommands } from './inbox-commands.ts';

/**
 * Approve or reject a pending request the caller may decide: a reason, the scope, and for a tool
 * call its arguments, editable before approving. A problem with the edit shows under the editor.
 * Rejecting asks first.
 */
export function DecisionForm(props: { approval: ApprovalView; onDecided: () => void }) {
  const { api, show, confirm } = useApp();
  const { approval } = props;
  const action = approval.action;
  const proposed = action.kind === 'tool_call' ? action.toolCall.args : undefined;
  const [argsText, setArgsText] = useState(() => (proposed ? JSON.stringify(proposed, null, 2) : ''));
  // What the API refused about the last edit sent; the editor checks the rest as you type.
  const [argsError, setArgsError] = useState('');
  const schema = useToolSchema(action.kind === 'tool_call' ? action.toolCall.name : undefined);
  const edit = proposed ? readArgs(argsText, proposed, schema) : null;
  const [reason, setReason] = useState('');
  const [scope, setScope] = useState<RespondBody['scope']>('once');
  const [busy, setBusy] = useState(false);
  // After the `r` shortcut, Enter in the reason rejects (the confirmation still asks).
  const [rejectArmed, setRejectArmed] = useState(false);
  const reasonInput = useRef<HTMLInputElement>(null);

  const decide = async (decision: 'approve' | 'reject') => {
    const body: RespondBody = { decision, scope };
    if (reason.trim()) body.reason = reason.trim();
    if (edit && decision === 'approve') {
      if (blocksApproval(edit)) {
        show('Fix the arguments first: the problems show under the editor.', true);
        document.getElementById('args')?.focus();
        return;
      }
      if (edit.ok && edit.changed) body.editedArgs = edit.args;
    }
    if (decision === 'reject' && !(await confirm({ title: 'Reject this request?', message: reason.trim() ? `The agent reads your reason: ${reason.trim()}` : 'The agent is told it was rejected, without a reason.', confirmLabel: 'Reject' }))) return;
    setArgsError('');
    setBusy(true);
    show('Sending…');
    try {
      const result = await api<RespondResult>('POST', `approvals/${segment(approval.id)}/respond`, body);
      show(`Request ${result.approval.status}${deliveryNote(result.delivery)}`);
      props.onDecided();
    } catch (error) {
      const message = (error as Error).message;
      // A refused edit (a policy, the tool's schema) belongs next to the arguments.
      if (body.editedArgs && error instanceof ApiError && error.status < 500) setArgsError(message);
      show(message, true);
    } finally {
      setBusy(false);
    }
  };

  useDecisionCommands({
    approve: () => {
      if (!busy) void decide('approve');
    },
    armReject: () => {
      setRejectArmed(true);
      reasonInput.current?.focus();
    },
    editArgs: () => document.getElementById('args')?.focus(),
  });

  return html`<form class="decision" onSubmit=${(event: Event) => event.preventDefault()}>
    ${proposed && edit
      ? html`<${ArgsEditor} proposed=${proposed} text=${argsText} edit=${edit} refused=${argsError} onText=${(text: string) => {
          setArgsText(text);
          setArgsError('');
        }} />`
      : action.kind === 'message' && html`<h3>Message</h3><pre>${action.text}</pre>`}
    <div class="decide">
      <input id="reason" ref=${reasonInput} placeholder=${rejectArmed ? 'reason for rejecting, then Enter' : 'reason (optional)'} maxlength="2000" aria-label="reason" value=${reason} onInput=${(e: Event) => setReason((e.currentTarget as HTMLInputElement).value)} onKeyDown=${(e: KeyboardEvent) => {
        if (e.key === 'Enter' && rejectArmed) {
          e.preventDefault();
          setRejectArmed(false);
          void decide('reject');
        } else if (e.key === 'Escape') setRejectArmed(false);
      }} />
      <select id="scope" aria-label="scope" value=${scope} onChange=${(e: Event) => setScope((e.currentTarget as HTMLSelectElement).value as RespondBody['scope'])}>
        <option value="once">this call only</option>
        <option value="execution">this tool for the rest of the run</option>
      </select>
      <button type="button" id="approve" class="approve" disabled=${busy} onClick=${() => void decide('approve')}>Approve</button>
      <button type="button" id="reject" class="reject" disabled=${busy} onClick=${() => void decide('reject')}>Reject</button>
    </div>
  </form>`;
}
