// Reads vitest's JSON results and the list of skips that are allowed, prints one plain line
// "N passed, N failed, N skipped" last, and exits non-zero on any failure or unlisted skip.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The part of vitest's JSON report this reads. */
export interface TestResults {
  readonly numTotalTests: number;
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly numRuntimeErrorTestSuites?: number;
  readonly testResults: readonly {
    readonly name: string;
    readonly status?: string;
    readonly assertionResults: readonly { readonly fullName: string; readonly status: string }[];
  }[];
}

/** Full test name (describe titles and test title, space-separated, as vitest's `fullName`) to why it may skip. */
export type AllowedSkips = Readonly<Record<string, string>>;

export interface Summary {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Skipped or todo tests that the allow-list does not name, with their file. */
  readonly unlistedSkips: readonly string[];
  /** Allow-list entries without a reason. */
  readonly reasonless: readonly string[];
  readonly ok: boolean;
  readonly lines: readonly string[];
}

const SKIPPED = new Set(['skipped', 'pending', 'todo', 'disabled']);

/** Counts the results; a skip the allow-list does not name with a reason counts against the run. */
export function summarize(results: TestResults, allowed: AllowedSkips): Summary {
  const tests = results.testResults.flatMap((file) => file.assertionResults.map((test) => ({ ...test, file: relative(process.cwd(), file.name) })));
  const skips = tests.filter((test) => SKIPPED.has(test.status));
  const reasonless = Object.entries(allowed).filter(([, reason]) => typeof reason !== 'string' || reason.trim() === '').map(([name]) => name);
  const unlistedSkips = skips.filter((test) => !(test.fullName in allowed) || reasonless.includes(test.fullName)).map((test) => `${test.fullName} (${test.file})`);
  // A file that fails outside its tests (it does not load, or a beforeAll throws) has no failed test:
  // its tests count as skipped, and the file itself counts as one failure.
  const brokenFiles = results.testResults.filter((file) => file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed')).length;
  const failed = results.numFailedTests + Math.max(results.numRuntimeErrorTestSuites ?? 0, brokenFiles) + (results.numTotalTests === 0 ? 1 : 0);
  const lines = [
    ...unlistedSkips.map((name) => `skipped without a reason in test/allowed-skips.json: ${name}`),
    ...reasonless.map((name) => `test/allowed-skips.json gives no reason for: ${name}`),
    `${results.numPassedTests} passed, ${failed} failed, ${skips.length} skipped`,
  ];
  return { passed: results.numPassedTests, failed, skipped: skips.length, unlistedSkips, reasonless, ok: failed === 0 && unlistedSkips.length === 0 && reasonless.length === 0, lines };
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [resultsPath = '.test-results.json', allowedPath = 'test/allowed-skips.json'] = process.argv.slice(2);
  let summary: Summary;
  try {
    summary = summarize(readJson<TestResults>(resultsPath), readJson<AllowedSkips>(allowedPath));
  } catch (error) {
    console.log(`cannot read the test results: ${(error as Error).message}`);
    console.log('0 passed, 1 failed, 0 skipped');
    process.exit(1);
  }
  for (const line of summary.lines) console.log(line);
  process.exit(summary.ok ? 0 : 1);
}
