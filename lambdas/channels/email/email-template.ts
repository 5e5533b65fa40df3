import type { NotifyReason } from '#ports';
import { escapeHtml } from '../html.ts';
import type { RequestSummary } from '../request-summary.ts';
import type { DecisionLinks } from './link-issuer.ts';

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

function textOf(view: ApprovalEmailView): string {
  const { summary, links } = view;
  const lines = [
    `Hello ${view.recipientName},`,
    '',
    view.reason === 'escalated'
      ? 'A request was escalated to you because nobody decided it in time.'
      : 'An AI agent is waiting for your approval before it goes on.',
    '',
    `Workflow:   ${summary.workflowId}`,
    `Node:       ${summary.nodeId}`,
    `Action:     ${summary.what}`,
    ...(summary.requestedBy ? [`Started by: ${summary.requestedBy}`] : []),
    `Decide by:  ${summary.dueAt}`,
    `Request:    ${summary.id}`,
    '',
    summary.toolName ? 'Arguments:' : 'Message:',
    summary.payload,
    '',
  ];
  if (summary.facts.length) lines.push('Facts:', ...summary.facts.map(([key, value]) => `  ${key}: ${value}`), '');
  if (summary.turns.length) {
    lines.push('Last turns of the conversation:', ...summary.turns.map((turn) => `  [${turn.role}] ${turn.content}`), '');
  }
  lines.push(
    `Approve: ${links.approve}`,
    `Reject:  ${links.reject}`,
    '',
    'Each link opens a page where you confirm; opening it decides nothing.',
    `The links work once, for you only, until ${links.expiresAt.toISOString()}.`,
    `Or decide in the dashboard: ${view.dashboardUrl}`,
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
  small: 'color:#57606a;font-size:12px',
};

function htmlOf(view: ApprovalEmailView): string {
  const { summary, links } = view;
  const row = (label: string, value: string) => `<tr><th style="${STYLE.th}">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;
  const facts = summary.facts.length
    ? `<h3>Facts</h3>\n<table style="${STYLE.table}">${summary.facts.map(([key, value]) => row(key, value)).join('')}</table>`
    : '';
  const turns = summary.turns.length
    ? `<h3>Last turns of the conversation</h3>\n${summary.turns
        .map((turn) => `<div style="${STYLE.turn}"><strong>${escapeHtml(turn.role)}</strong>: ${escapeHtml(turn.content)}</div>`)
        .join('\n')}`
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
    `<h3>${summary.toolName ? 'Arguments' : 'Message'}</h3>`,
    `<pre style="${STYLE.pre}">${escapeHtml(summary.payload)}</pre>`,
    facts,
    turns,
    '<p style="margin:24px 0">',
    `<a href="${escapeHtml(links.approve)}" style="${STYLE.approve}">Approve</a>`,
    `<a href="${escapeHtml(links.reject)}" style="${STYLE.reject}">Reject</a>`,
    '</p>',
    `<p style="${STYLE.small}">Each button opens a page where you confirm; opening it decides nothing. The links work once, for you only, until ${escapeHtml(links.expiresAt.toISOString())}.<br>`,
    `Or decide in the <a href="${escapeHtml(view.dashboardUrl)}">dashboard</a>.</p>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** The approver email: plain, readable HTML and the same content as text; every user value escaped. */
export function renderApprovalEmail(view: ApprovalEmailView): RenderedEmail {
  return { subject: subjectOf(view), text: textOf(view), html: htmlOf(view) };
}
