import type { NotifyReason } from '#ports';
import { escapeHtml } from '../html.ts';
import type { RequestSummary } from '../request-summary.ts';
import type { DecisionLinks } from './link-issuer.ts';
import { oneLine, quoteBlock } from './quoted-text.ts';

export interface ApprovalEmailView {
  readonly summary: RequestSummary;
  readonly reason: NotifyReason;
  readonly recipientName: string;
  readonly links: DecisionLinks;
  readonly dashboardUrl: string;
}

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

function subjectOf(view: ApprovalEmailView): string {
  const { summary } = view;
  const prefix = view.reason === 'escalated' ? 'Escalated: approval needed' : 'Approval needed';
  return `${prefix}: ${summary.what} in ${summary.workflowId}/${summary.nodeId}`;
}

/** Headings of the quoted sections: what follows is someone else's words, not ours. */
const QUOTED_LABELS = {
  args: 'Arguments (quoted, proposed by the agent - not instructions from this system):',
  message: 'Message (quoted, written by the agent - not instructions from this system):',
  facts: 'Facts (quoted, supplied with the request - not instructions from this system):',
  turns: 'Conversation (quoted, written by the user and the agent - not instructions from this system):',
};
const LINK_BLOCK_HEADING = '---- Your decision: links from hitl-approvals (everything above marked ">" is quoted) ----';

/**
 * The text part. Our own lines come first (context) and last (the link block); everything the user,
 * the agent or the tool call supplied sits between them, under a label and quoted line by line, so a
 * message that imitates "Approve: <url>" shows up as "> [user] Approve: <url>". Link lines are kept
 * whole, one per line, so a link copied from the raw message works.
 */
function textOf(view: ApprovalEmailView): string {
  const { summary, links } = view;
  const lines = [
    `Hello ${oneLine(view.recipientName)},`,
    '',
    view.reason === 'escalated'
      ? 'A request was escalated to you because nobody decided it in time.'
      : 'An AI agent is waiting for your approval before it goes on.',
    '',
    `Workflow:   ${oneLine(summary.workflowId)}`,
    `Node:       ${oneLine(summary.nodeId)}`,
    `Action:     ${oneLine(summary.what)}`,
    ...(summary.requestedBy ? [`Started by: ${oneLine(summary.requestedBy)}`] : []),
    `Decide by:  ${summary.dueAt}`,
    `Request:    ${summary.id}`,
    '',
    summary.toolName ? QUOTED_LABELS.args : QUOTED_LABELS.message,
    ...quoteBlock(summary.payload),
    '',
  ];
  if (summary.facts.length) lines.push(QUOTED_LABELS.facts, ...summary.facts.flatMap(([key, value]) => quoteBlock(`${key}: ${value}`)), '');
  if (summary.turns.length) lines.push(QUOTED_LABELS.turns, ...summary.turns.flatMap((turn) => quoteBlock(`[${turn.role}] ${turn.content}`)), '');
  lines.push(
    LINK_BLOCK_HEADING,
    `Approve: ${links.approve}`,
    `Reject: ${links.reject}`,
    `Dashboard: ${view.dashboardUrl}`,
    '',
    'Each link opens a page where you confirm; opening it decides nothing.',
    `The approve and reject links work once, for you only, until ${links.expiresAt.toISOString()}.`,
    '',
  );
  return lines.join('\n');
}

const STYLE = {
  body: 'font-family:Arial,Helvetica,sans-serif;color:#1f2328;max-width:640px;margin:0 auto;padding:16px',
  table: 'border-collapse:collapse;margin:12px 0',
  th: 'text-align:left;padding:2px 12px 2px 0;color:#57606a;font-weight:normal;vertical-align:top',
  pre: 'background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px;white-space:pre-wrap;word-break:break-word;font-size:13px',
  approve: 'display:inline-block;background:#1f883d;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:bold;margin-right:8px',
  reject: 'display:inline-block;background:#cf222e;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:bold',
  turn: 'margin:4px 0;padding:4px 8px;border-left:3px solid #d0d7de',
  quote: 'margin:8px 0;padding:0 0 0 12px;border-left:4px solid #8c959f;color:#424a53',
  small: 'color:#57606a;font-size:12px',
};

function htmlOf(view: ApprovalEmailView): string {
  const { summary, links } = view;
  const row = (label: string, value: string) => `<tr><th style="${STYLE.th}">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;
  const label = (text: string) => `<h3>${escapeHtml(text.replace(/:$/, ''))}</h3>`;
  const facts = summary.facts.length
    ? `${label(QUOTED_LABELS.facts)}\n<blockquote style="${STYLE.quote}"><table style="${STYLE.table}">${summary.facts.map(([key, value]) => row(key, value)).join('')}</table></blockquote>`
    : '';
  const turns = summary.turns.length
    ? `${label(QUOTED_LABELS.turns)}\n<blockquote style="${STYLE.quote}">${summary.turns
        .map((turn) => `<div style="${STYLE.turn}"><strong>${escapeHtml(turn.role)}</strong>: ${escapeHtml(turn.content)}</div>`)
        .join('\n')}</blockquote>`
    : '';
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8"><title>' + escapeHtml(subjectOf(view)) + '</title></head>',
    `<body style="${STYLE.body}">`,
    `<p>Hello ${escapeHtml(view.recipientName)},</p>`,
    `<p>${
      view.reason === 'escalated'
        ? 'A request was <strong>escalated</strong> to you because nobody decided it in time.'
        : 'An AI agent is waiting for your approval before it goes on.'
    }</p>`,
    `<table style="${STYLE.table}">`,
    row('Workflow', summary.workflowId),
    row('Node', summary.nodeId),
    row('Action', summary.what),
    ...(summary.requestedBy ? [row('Started by', summary.requestedBy)] : []),
    row('Decide by', summary.dueAt),
    row('Request', summary.id),
    '</table>',
    label(summary.toolName ? QUOTED_LABELS.args : QUOTED_LABELS.message),
    `<blockquote style="${STYLE.quote}"><pre style="${STYLE.pre}">${escapeHtml(summary.payload)}</pre></blockquote>`,
    facts,
    turns,
    '<h3>Your decision</h3>',
    '<p style="margin:12px 0 24px">',
    `<a href="${escapeHtml(links.approve)}" style="${STYLE.approve}">Approve</a>`,
    `<a href="${escapeHtml(links.reject)}" style="${STYLE.reject}">Reject</a>`,
    '</p>',
    `<p style="${STYLE.small}">Each button opens a page where you confirm; opening it decides nothing. The links work once, for you only, until ${escapeHtml(links.expiresAt.toISOString())}.<br>`,
    `Or decide in the <a href="${escapeHtml(view.dashboardUrl)}">dashboard</a>.</p>`,
    '</body></html>',
    '',
  ].join('\n');
}

/**
 * The approver email: plain, readable HTML and the same content as text. Every user value is escaped
 * (HTML) or quoted (text) under a label saying whose words they are; the links come after, our own.
 */
export function renderApprovalEmail(view: ApprovalEmailView): RenderedEmail {
  return { subject: subjectOf(view), text: textOf(view), html: htmlOf(view) };
}
