import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it, onTestFinished } from 'vitest';
import { REPO_ROOT } from '#infra/constructs/hitl-function';
import { esbuildOptions } from '#infra/constructs/lambda-bundling';
import { lambdaEntryFiles, sourcesAtInit, sourcesInBundle } from '../support/bundle-init-graph.ts';

/** The CEL and RE2 engines and our modules that run them: loaded when a rule is first checked or evaluated. */
const POLICY_ENGINE = [
  'node_modules/@marcbachmann/cel-js/',
  'node_modules/re2js/',
  'lambdas/core/policy.ts',
  'lambdas/core/policy-rules.ts',
  'lambdas/core/policy-checker.ts',
  'lambdas/core/cel-ast.ts',
  'lambdas/core/policy-cost-check.ts',
  'lambdas/core/policy-meter.ts',
  'lambdas/core/re2-patterns.ts',
  'lambdas/core/re2-program-size.ts',
  'lambdas/core/tool-glob.ts',
];

const engineIn = (sources: string[]) => sources.filter((source) => POLICY_ENGINE.some((part) => source.includes(part)));

describe('the policy engine in the Lambda bundles, built as CDK builds them', () => {
  it.each(lambdaEntryFiles().map((file) => [basename(file), file]))('%s loads CEL and RE2 on first use, not at init', { timeout: 120_000 }, async (_name, entry) => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'hitl-lazy-policy-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));

    // Act
    const { metafile } = await build({ ...esbuildOptions(join(REPO_ROOT, 'tsconfig.json'), dir), entryPoints: [entry], logLevel: 'silent', metafile: true });

    // Assess: the engine is in the bundle, in chunks behind import(), none of them read at init.
    expect(engineIn(sourcesInBundle(metafile)).some((source) => source.includes('node_modules/@marcbachmann/cel-js/'))).toBe(true);
    expect(engineIn(sourcesAtInit(metafile))).toEqual([]);
  });
});
