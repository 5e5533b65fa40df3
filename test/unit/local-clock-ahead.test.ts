import { describe, expect, it } from 'vitest';
import { loadLocalConfig } from '#local/config';

describe('how far ahead the local server\'s clock reads', () => {
  it('reads the system time unless HITL_CLOCK_AHEAD_MS sets it ahead', () => {
    // Act
    const byDefault = loadLocalConfig({});
    const ahead = loadLocalConfig({ HITL_CLOCK_AHEAD_MS: '31000' });

    // Assess
    expect(byDefault.clockAheadMs).toBe(0);
    expect(ahead.clockAheadMs).toBe(31_000);
  });

  it('refuses a clock set back or a value that is not a whole number of milliseconds, naming the variable', () => {
    // Act + Assess
    expect(() => loadLocalConfig({ HITL_CLOCK_AHEAD_MS: '-1' })).toThrow(/HITL_CLOCK_AHEAD_MS/);
    expect(() => loadLocalConfig({ HITL_CLOCK_AHEAD_MS: 'soon' })).toThrow(/HITL_CLOCK_AHEAD_MS/);
  });
});
