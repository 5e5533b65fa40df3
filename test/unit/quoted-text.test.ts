import { describe, expect, it } from 'vitest';
import { oneLine, QUOTE_WIDTH, quoteBlock } from '../../lambdas/channels/email/quoted-text.ts';

describe('quoted user text in approver emails', () => {
  it('starts every line with "> ", whatever line break the text uses', () => {
    const lines = quoteBlock('one\ntwo\r\nthree\rfour\u2028five\u2029six\u0085seven\vEight\fnine');
    expect(lines).toEqual(['> one', '> two', '> three', '> four', '> five', '> six', '> seven', '> Eight', '> nine']);
  });

  it('wraps long lines into quoted pieces without splitting a character', () => {
    const text = '😀'.repeat(QUOTE_WIDTH + 5);
    const lines = quoteBlock(text);
    expect(lines).toHaveLength(2);
    expect(lines.every((line) => line.startsWith('> '))).toBe(true);
    expect(lines.map((line) => line.slice(2)).join('')).toBe(text);
  });

  it('shows control and bidirectional-override characters as U+FFFD', () => {
    expect(quoteBlock('a\u202Eb\u0000c\u2066d\te')).toEqual(['> a\ufffdb\ufffdc\ufffdd\te']);
    expect(oneLine('x\ny\u202Ez')).toBe('x y\ufffdz');
  });
});
