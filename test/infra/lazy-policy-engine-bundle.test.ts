import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledAsCdkBuilds, lambdaEntryFiles, sourcesAtInit, sourcesInBundle } from '../support/bundle-init-graph.ts';

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
    // Act
    const { metafile } = await bundledAsCdkBuilds(entry);

    // Assess: the engine is in the bundle, in chunks behind import(), none of them read at init.
    expect(engineIn(sourcesInBundle(metafile)).some((source) => source.includes('node_modules/@marcbachmann/cel-js/'))).toBe(true);
    expect(engineIn(sourcesAtInit(metafile))).toEqual([]);
  });
});
