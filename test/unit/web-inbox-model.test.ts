import { describe, expect, it } from 'vitest';
import type { ApprovalSummary } from '../../web/api/types.ts';
import { describeOutcomes } from '../../web/views/inbox/batch-outcome.ts';
import { countdown } from '../../web/views/inbox/countdown.ts';
import { filterItems, filterOptions, NO_FILTER, pendingPath } from '../../web/views/inbox/inbox-filter.ts';
import { DEFAULT_POLL_MS, MIN_POLL_MS, pollIntervalOf } from '../../web/views/inbox/poll-interval.ts';
import { commandOf, moveSelection } from '../../web/views/inbox/shortcuts.ts';

const summary = (id: string, over: Partial<ApprovalSummary> & { tool?: string; args?: Record<string, string> } = {}): ApprovalSummary => ({
  id,
  action: { kind: 'tool_call', tool: over.tool ?? 'send_email', argsPreview: over.args ?? { to: 'carol@example.com' }, argCount: 1 },
  canDecide: true,
  createdAt: '2026-12-05T10:00:00Z',
  dueAt: '2026-12-05T11:00:00Z',
  executionId: 'exec',
  level: 0,
  mode: 'blocking',
  nodeId: over.nodeId ?? 'agent',
  status: 'pending',
  step: 'call-1',
  workflowId: over.workflowId ?? 'support',
  requestedBy: over.requestedBy ?? 'alice',
});

const items = [
  summary('req-a'),
  summary('req-b', { tool: 'refund', args: { amount: '120', orderId: 'o-77' }, workflowId: 'billing', requestedBy: 'zoe' }),
  summary('req-c', { tool: 'refund', nodeId: 'review', workflowId: 'billing' }),
];

describe('the inbox filters and search', () => {
  it('keeps the requests matching workflow, node and tool together', () => {
    expect(filterItems(items, { ...NO_FILTER, workflow: 'billing' }).map((i) => i.id)).toEqual(['req-b', 'req-c']);
    expect(filterItems(items, { ...NO_FILTER, workflow: 'billing', node: 'review' }).map((i) => i.id)).toEqual(['req-c']);
    expect(filterItems(items, { ...NO_FILTER, tool: 'send_email' }).map((i) => i.id)).toEqual(['req-a']);
  });

  it('searches id, tool, argument previews and requester, word by word and ignoring case', () => {
    expect(filterItems(items, { ...NO_FILTER, text: 'O-77' }).map((i) => i.id)).toEqual(['req-b']);
    expect(filterItems(items, { ...NO_FILTER, text: 'zoe refund' }).map((i) => i.id)).toEqual(['req-b']);
    expect(filterItems(items, { ...NO_FILTER, text: 'req-c' }).map((i) => i.id)).toEqual(['req-c']);
    expect(filterItems(items, { ...NO_FILTER, text: 'nobody' })).toEqual([]);
  });

  it('offers what was loaded, sorted and once each, plus the value chosen even when nothing shows it', () => {
    const options = filterOptions(items.slice(0, 1), { ...NO_FILTER, workflow: 'billing' });
    expect(options).toEqual({ workflows: ['billing', 'support'], nodes: ['agent'], tools: ['send_email'] });
  });

  it('sends workflow and node to the API, and the text search not', () => {
    expect(pendingPath({ workflow: 'billing', node: 'review', tool: 'refund', text: 'x' }, 'c1')).toBe('approvals?limit=50&workflow=billing&node=review&cursor=c1');
  });
});

describe('the countdown to the due time', () => {
  const due = '2026-12-05T11:00:00Z';
  const at = (iso: string) => Date.parse(iso);
  it('shows hours and minutes, calmly, while far', () => {
    expect(countdown(due, at('2026-12-05T08:59:30Z'))).toEqual({ text: 'due in 2h 00m', urgent: false, overdue: false });
  });
  it('turns urgent under five minutes, with seconds', () => {
    expect(countdown(due, at('2026-12-05T10:55:30Z'))).toEqual({ text: 'due in 4m 30s', urgent: true, overdue: false });
    expect(countdown(due, at('2026-12-05T10:54:59Z')).urgent).toBe(false);
  });
  it('says overdue once past', () => {
    expect(countdown(due, at('2026-12-05T11:00:01Z'))).toEqual({ text: 'overdue', urgent: true, overdue: true });
  });
});

describe('the inbox keyboard shortcuts', () => {
  const key = (k: string, over: Partial<Parameters<typeof commandOf>[0]> = {}) => commandOf({ key: k, ctrlKey: false, metaKey: false, altKey: false, target: { tagName: 'BODY' }, ...over });

  it('maps j, k, a, r, e, x and ? to their commands', () => {
    expect(['j', 'k', 'a', 'r', 'e', 'x', '?'].map((k) => key(k))).toEqual(['next', 'previous', 'approve', 'reject', 'edit', 'toggle-batch', 'help']);
    expect(key('q')).toBeNull();
  });

  it('ignores keys typed in a field and keys with a modifier', () => {
    for (const tagName of ['INPUT', 'TEXTAREA', 'SELECT']) expect(key('a', { target: { tagName } })).toBeNull();
    expect(key('a', { target: { tagName: 'DIV', isContentEditable: true } })).toBeNull();
    expect(key('r', { ctrlKey: true })).toBeNull();
    expect(key('r', { metaKey: true })).toBeNull();
    expect(key('j', { altKey: true })).toBeNull();
  });

  it('moves within the list and stops at its ends', () => {
    const ids = ['a', 'b', 'c'];
    expect(moveSelection(ids, null, 1)).toBe('a');
    expect(moveSelection(ids, null, -1)).toBe('c');
    expect(moveSelection(ids, 'a', 1)).toBe('b');
    expect(moveSelection(ids, 'c', 1)).toBe('c');
    expect(moveSelection(ids, 'a', -1)).toBe('a');
    expect(moveSelection(ids, 'gone', 1)).toBe('a');
    expect(moveSelection([], 'a', 1)).toBeNull();
  });
});

describe('the poll interval and batch results', () => {
  it('takes ?pollMs= within bounds, else 15 s', () => {
    expect(pollIntervalOf('')).toBe(DEFAULT_POLL_MS);
    expect(pollIntervalOf('?pollMs=800')).toBe(800);
    expect(pollIntervalOf('?pollMs=1')).toBe(MIN_POLL_MS);
    expect(pollIntervalOf('?pollMs=abc')).toBe(DEFAULT_POLL_MS);
    expect(pollIntervalOf('?pollMs=999999999')).toBe(DEFAULT_POLL_MS * 4);
  });

  it('counts what went through and words what failed', () => {
    const outcome = describeOutcomes([
      { id: 'a', status: 200, approvalStatus: 'approved' },
      { id: 'b', status: 409, error: { code: 'AlreadyDecided', message: 'already decided' } },
    ]);
    expect(outcome.done).toBe(1);
    expect(outcome.failed).toBe(1);
    expect(outcome.lines).toEqual([
      { id: 'a', ok: true, text: 'approved' },
      { id: 'b', ok: false, text: '409: already decided' },
    ]);
  });
});
