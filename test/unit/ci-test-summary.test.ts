import { describe, expect, it } from 'vitest';
import { summarize, type TestResults } from '../../.ci/test-summary.ts';

function results(tests: { fullName: string; status: string }[], extra: Partial<TestResults> = {}): TestResults {
  return {
    numTotalTests: tests.length,
    numPassedTests: tests.filter((t) => t.status === 'passed').length,
    numFailedTests: tests.filter((t) => t.status === 'failed').length,
    numRuntimeErrorTestSuites: 0,
    testResults: [{ name: 'test/e2e/dashboard.test.ts', status: 'passed', assertionResults: tests }],
    ...extra,
  };
}

describe('CI test summary', () => {
  it('passes a run with no failures and no skips, and prints the counts last', () => {
    const summary = summarize(results([{ fullName: 'a works', status: 'passed' }]), {});
    expect(summary.ok).toBe(true);
    expect(summary.lines.at(-1)).toBe('1 passed, 0 failed, 0 skipped');
  });

  it('fails a green run that skipped a test the allow-list does not name', () => {
    // Prepare: what a run without Chromium recorded, success=true with pending tests
    const run = results([
      { fullName: 'a works', status: 'passed' },
      { fullName: 'dashboard in a real browser approves', status: 'skipped' },
      { fullName: 'flow editor saves', status: 'pending' },
      { fullName: 'later', status: 'todo' },
    ]);
    // Act
    const summary = summarize(run, {});
    // Assess
    expect(summary.ok).toBe(false);
    expect(summary.unlistedSkips).toEqual([
      'dashboard in a real browser approves (test/e2e/dashboard.test.ts)',
      'flow editor saves (test/e2e/dashboard.test.ts)',
      'later (test/e2e/dashboard.test.ts)',
    ]);
    expect(summary.lines.at(-1)).toBe('1 passed, 0 failed, 3 skipped');
  });

  it('accepts a skip listed with a reason, and refuses one listed without', () => {
    const run = results([{ fullName: 'slow thing', status: 'skipped' }]);
    expect(summarize(run, { 'slow thing': 'needs a cloud account' }).ok).toBe(true);
    const reasonless = summarize(run, { 'slow thing': ' ' });
    expect(reasonless.ok).toBe(false);
    expect(reasonless.reasonless).toEqual(['slow thing']);
  });

  it('counts a file whose beforeAll threw as a failure, not only as skips', () => {
    // Prepare: the browser tests under CI=true without Chromium
    const run = results([{ fullName: 'dashboard approves', status: 'skipped' }], {
      testResults: [{ name: 'test/e2e/dashboard.test.ts', status: 'failed', assertionResults: [{ fullName: 'dashboard approves', status: 'skipped' }] }],
    });
    // Act
    const summary = summarize(run, { 'dashboard approves': 'listed, yet the file failed' });
    // Assess
    expect(summary).toMatchObject({ ok: false, failed: 1, skipped: 1 });
  });

  it('fails on failed tests, files that did not load, and a run with no tests', () => {
    expect(summarize(results([{ fullName: 'x', status: 'failed' }]), {}).lines.at(-1)).toBe('0 passed, 1 failed, 0 skipped');
    const broken = results([{ fullName: 'x', status: 'passed' }], {
      testResults: [
        { name: 'ok.test.ts', status: 'passed', assertionResults: [{ fullName: 'x', status: 'passed' }] },
        { name: 'broken.test.ts', status: 'failed', assertionResults: [] },
      ],
    });
    expect(summarize(broken, {})).toMatchObject({ ok: false, failed: 1 });
    expect(summarize(results([]), {})).toMatchObject({ ok: false, failed: 1 });
  });
});
