import type { Decision } from '#core/request';
import type { NotifyReason } from '#ports';
import { cut, type RequestSummary } from '../request-summary.ts';
import { escapeSlack, slackCode } from './slack-text.ts';

/** action_id of the buttons; their `value` is the request id. */
export const SLACK_ACTIONS = { approve: 'hitl_approve', reject: 'hitl_reject' } as const;

type Block = Record<string, unknown>;

/** Slack caps a section's text at 3,000 characters. */
const SECTION_CHARS = 2_900;

function contextBlocks(summary: RequestSummary): Block[] {
  const fields = [
    `*Workflow*\n${escapeSlack(summary.workflowId)}`,
    `*Node*\n${escapeSlack(summary.nodeId)}`,
    `*Action*\n${escapeSlack(summary.what)}`,
    `*Decide by*\n${escapeSlack(summary.dueAt)}`,
    ...(summary.requestedBy ? [`*Started by*\n${escapeSlack(summary.requestedBy)}`] : []),
  ];
  const blocks: Block[] = [
    { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text })) },
    { type: 'section', text: { type: 'mrkdwn', text: cut(`*${summary.toolName ? 'Arguments' : 'Message'}*\n\`\`\`${slackCode(summary.payload)}\`\`\``, SECTION_CHARS) } },
  ];
  if (summary.turns.length) {
    const turns = summary.turns.map((turn) => `*${escapeSlack(turn.role)}*: ${escapeSlack(cut(turn.content, 300))}`).join('\n');
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(`*Last turns*\n${turns}`, SECTION_CHARS) } });
  }
  return blocks;
}

/** The message posted to the webhook: the context, who is asked, and Approve / Reject buttons. */
export function approvalMessage(summary: RequestSummary, reason: NotifyReason, mentions: string[], dashboardUrl: string): Block {
  const title = reason === 'escalated' ? 'Escalated: approval needed' : 'Approval needed';
  const headline = `${title}: ${summary.what} in ${summary.workflowId}/${summary.nodeId}`;
  return {
    text: headline,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: cut(headline, 150) } },
      ...contextBlocks(summary),
      ...(mentions.length
        ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `Approvers: ${mentions.map((id) => `<@${id}>`).join(' ')}` }] }]
        : []),
      {
        type: 'actions',
        block_id: 'hitl_decision',
        elements: [
          { type: 'button', action_id: SLACK_ACTIONS.approve, style: 'primary', text: { type: 'plain_text', text: 'Approve' }, value: summary.id },
          {
            type: 'button',
            action_id: SLACK_ACTIONS.reject,
            style: 'danger',
            text: { type: 'plain_text', text: 'Reject' },
            value: summary.id,
            confirm: {
              title: { type: 'plain_text', text: 'Reject this request?' },
              text: { type: 'plain_text', text: 'The agent will not perform this action.' },
              confirm: { type: 'plain_text', text: 'Reject' },
              deny: { type: 'plain_text', text: 'Cancel' },
            },
          },
          { type: 'button', action_id: 'hitl_open', text: { type: 'plain_text', text: 'Open dashboard' }, url: dashboardUrl },
        ],
      },
    ],
  };
}

/** The message after a decision: the same context, the buttons replaced by the outcome. */
export function decidedMessage(summary: RequestSummary, decision: Pick<Decision, 'outcome' | 'approver' | 'decidedAt' | 'channel'>, note?: string): Block {
  const icon = decision.outcome === 'approved' ? ':white_check_mark:' : decision.outcome === 'rejected' ? ':x:' : ':hourglass:';
  const line = `${icon} *${decision.outcome.replace('_', ' ')}* by ${escapeSlack(decision.approver)} via ${escapeSlack(decision.channel)} at ${escapeSlack(decision.decidedAt)}`;
  return {
    replace_original: true,
    text: `${summary.what} in ${summary.workflowId}/${summary.nodeId}: ${decision.outcome}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: cut(`${summary.what} in ${summary.workflowId}/${summary.nodeId}`, 150) } },
      ...contextBlocks(summary),
      { type: 'section', text: { type: 'mrkdwn', text: note ? `${line}\n${escapeSlack(note)}` : line } },
    ],
  };
}

/** A reply only the clicking user sees, leaving the message as it is. */
export function ephemeralReply(text: string): Block {
  return { response_type: 'ephemeral', replace_original: false, text };
}
