import fc from 'fast-check';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { HitlConfigSchema } from '#core/hitl-config';
import { policyChecker } from '#core/policy-checker';
import { withPolicyChecks } from '#core/policy-checks';
import { estimatedProgramSize } from '#core/re2-program-size';

const atoms = ['a', '.', '\\d', '\\pL', '\\p{Greek}', '[a-z]', '[^]x]', '[[:digit:]]', '\\x{41}', '\\Qa.b\\E'];
const quantifiers = ['', '*', '+', '?', '{3}', '{2,5}', '{2,}', '{0,3}'];
const pattern: fc.Arbitrary<string> = fc.letrec<{ seq: string; part: string }>((tie) => ({
  part: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(fc.constantFrom(...atoms), fc.constantFrom(...quantifiers)).map(([atom, q]) => atom + q),
    fc.tuple(fc.constantFrom('(', '(?:', '(?i:', '(?P<n>'), tie('seq'), fc.constantFrom(...quantifiers)).map(([open, inner, q]) => `${open}${inner})${q}`),
  ),
  seq: fc.array(fc.oneof(tie('part'), fc.constant('|')), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('')),
})).seq;

describe('the RE2 program size estimate', () => {
  it('never estimates below the program RE2 compiles', () => {
    fc.assert(
      fc.property(pattern, (source) => {
        let size: number;
        try {
          size = RE2JS.compile(source).programSize();
        } catch {
          return; // not a pattern RE2 takes; the estimate does not matter
        }
        expect(estimatedProgramSize(source)).toBeGreaterThanOrEqual(size);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a short pattern with a large program when the rule is saved, before compiling it', () => {
    const config = { mode: 'confirm_tools', approvers: { groups: ['a'] }, policies: [{ id: 'long-ids', when: 'args.id.matches("^x{1000}y{1000}$")', effect: 'deny' }] };
    expect(withPolicyChecks(policyChecker, () => HitlConfigSchema.safeParse(config)).error?.issues.map((issue) => issue.message)).toEqual([
      'policy "long-ids", line 1, column 17: "^x{1000}y{1000}$" compiles to about 2006 RE2 instructions; a pattern may have at most 1000',
    ]);
  });
});
