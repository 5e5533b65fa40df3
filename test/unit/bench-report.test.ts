import { describe, expect, it } from 'vitest';
import { formatValue } from '../../bench/lib/figure.ts';
import { renderMarkdown, type BenchResults } from '../../bench/lib/report.ts';

const machine = { nproc: 2, cpu: 'test cpu', node: 'v20', os: 'linux', memoryGb: 4, loadAverageBefore: [1, 1, 1], loadAverageAfter: [1, 1, 1] };

describe('benchmark document', () => {
  it('renders any part\'s figures with their targets, and explains the missed ones', () => {
    // Prepare: a part the renderer has never heard of.
    const results: BenchResults = {
      ranAt: '2026-12-05T00:00:00.000Z',
      machine,
      durationSeconds: 3,
      ran: ['respond-path'],
      parts: {
        'respond-path': {
          title: 'Respond critical path',
          ranAt: '2026-12-05T00:00:00.000Z',
          quick: false,
          loadAverage: 1.5,
          figures: [
            { name: 'sequential AWS calls per respond', value: 3, unit: '', target: '≤ 3', met: true },
            { name: 'respond p50 ratio to its floor', value: 2.7, unit: '×', target: '≤ 2.5×', met: false },
            { name: 'respond p50', value: 4.25, unit: 'ms', detail: 'p99 9.1 ms' },
          ],
          misses: { 'respond p50 ratio to its floor': 'The audit append still waits for its tail.' },
          meaning: 'One decision over HTTP.',
        },
      },
    };

    // Act
    const markdown = renderMarkdown(results, ['respond-path', 'not-run']);

    // Assess
    expect(markdown).toContain('## Respond critical path');
    expect(markdown).toContain('at load average 1.5');
    expect(markdown).toContain('| sequential AWS calls per respond | 3 | ≤ 3 | met |');
    expect(markdown).toContain('| respond p50 ratio to its floor | 2.70× | ≤ 2.5× | **missed** |');
    expect(markdown).toContain('| respond p50 | 4.25 ms (p99 9.1 ms) |  |  |');
    expect(markdown).toContain('One decision over HTTP.');
    expect(markdown).toMatch(/## Targets missed[^]*- The audit append still waits for its tail\./);
  });

  it('writes units the way a reader expects them', () => {
    expect(formatValue({ name: 'a', value: 1234.4, unit: 'ms' })).toBe('1,234 ms');
    expect(formatValue({ name: 'b', value: 26, unit: 'KB' })).toBe('26 KB');
    expect(formatValue({ name: 'c', value: 0.101, unit: '$' })).toBe('$0.10');
    expect(formatValue({ name: 'd', value: 412, unit: '/s' })).toBe('412/s');
  });
});
