import type { RespondResult } from '#usecases/respond';
import { escapeHtml } from '../html.ts';
import { summarize } from '../request-summary.ts';
import type { OpenedLink } from './decision-link.ts';

const CSS = `body{font-family:system-ui,Arial,sans-serif;color:#1f2328;max-width:680px;margin:24px auto;padding:0 16px}
th{text-align:left;color:#57606a;font-weight:normal;padding:2px 12px 2px 0;vertical-align:top}
pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px;white-space:pre-wrap;word-break:break-word}
.turn{border-left:3px solid #d0d7de;margin:4px 0;padding:4px 8px}
textarea{width:100%;box-sizing:border-box;min-height:4em}
button{font-size:16px;padding:10px 20px;border:0;border-radius:6px;color:#fff;cursor:pointer;margin-top:8px}
.approve{background:#1f883d}.reject{background:#cf222e}.note{color:#57606a;font-size:14px}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body>
${body}
</body></html>
`;
}

/** The page a link's GET shows: the request's context and one button that decides (POST to the same URL). */
export function confirmationPage(opened: OpenedLink): string {
  const summary = summarize(opened.request);
  const verb = opened.claims.decision === 'approve' ? 'Approve' : 'Reject';
  const row = (label: string, value: string) => `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;
  const turns = summary.turns
    .map((turn) => `<div class="turn"><strong>${escapeHtml(turn.role)}</strong>: ${escapeHtml(turn.content)}</div>`)
    .join('\n');
  return page(
    `${verb} ${summary.what}?`,
    `<h1>${escapeHtml(verb)} this ${escapeHtml(summary.what)}?</h1>
<table>
${row('Workflow', summary.workflowId)}
${row('Node', summary.nodeId)}
${summary.requestedBy ? row('Started by', summary.requestedBy) : ''}
${row('Decide by', summary.dueAt)}
${row('Deciding as', opened.claims.approver)}
${row('Request', summary.id)}
</table>
<h2>${summary.toolName ? 'Arguments' : 'Message'}</h2>
<pre>${escapeHtml(summary.payload)}</pre>
${turns ? `<h2>Last turns of the conversation</h2>\n${turns}` : ''}
<form method="post">
<input type="hidden" name="confirm" value="yes">
<label for="reason">Reason (optional)</label>
<textarea id="reason" name="reason" maxlength="2000"></textarea>
<button type="submit" class="${opened.claims.decision}">${escapeHtml(verb)}</button>
</form>
<p class="note">Nothing has been decided yet: only this button decides. The link works once.</p>`,
  );
}

/** The page after a decision through a link. */
export function decidedPage(result: RespondResult): string {
  const outcome = result.approval.decision?.outcome ?? result.approval.status;
  const delivered =
    result.delivery === 'delivered'
      ? 'The workflow has the decision and goes on.'
      : 'The decision is recorded; the workflow will receive it shortly.';
  return page(`Request ${outcome}`, `<h1>Request ${escapeHtml(outcome)}</h1>\n<p>${escapeHtml(delivered)}</p>\n<p class="note">Request ${escapeHtml(result.approval.id)}. You can close this page.</p>`);
}

/** A page that says why a link cannot be used (expired, used, decided, not valid). */
export function problemPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}
