import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_PLACEHOLDER_SENDER, loadConfig } from '#infra/config';

/** Sources as the app sees them: CDK context (from -c or cdk.json) and the environment. */
function sources(context: Record<string, unknown> = {}, env: Record<string, string> = {}) {
  return { context: (key: string) => context[key], env };
}

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('deployment configuration', () => {
  it('defaults to dev with the approvers, admins and auditors groups and a localhost callback', () => {
    // Act
    const { config } = loadConfig(sources({ senderEmail: 'approvals@acme.test' }));

    // Assess
    expect(config).toEqual({
      stage: 'dev',
      senderEmail: 'approvals@acme.test',
      approverGroups: ['approvers'],
      adminGroups: ['admins'],
      auditorGroups: ['auditors'],
      callbackUrls: ['http://localhost:8080/callback'],
    });
  });

  it('uses a placeholder sender in dev only, and says so', () => {
    const { config, warnings } = loadConfig(sources());

    expect(config.senderEmail).toBe(DEV_PLACEHOLDER_SENDER);
    expect(warnings).toEqual([expect.stringContaining('-c senderEmail=')]);
  });

  it('prefers CDK context over HITL_* environment variables, and reads the environment for the rest', () => {
    const { config } = loadConfig(
      sources({ stage: 'prod', senderEmail: 'ops@acme.test' }, { HITL_STAGE: 'dev', HITL_SENDER_EMAIL: 'other@acme.test', HITL_AUDIT_RETENTION_DAYS: '400' }),
    );

    expect(config).toMatchObject({ stage: 'prod', senderEmail: 'ops@acme.test', auditRetentionDays: 400 });
  });

  it('reads comma-separated lists and numbers from -c strings, and arrays from cdk.json', () => {
    const { config } = loadConfig(
      sources({
        senderEmail: 'approvals@acme.test',
        approverGroups: 'finance-approvers, support-leads',
        adminGroups: ['security'],
        auditorGroups: 'compliance, internal-audit',
        corsOrigins: 'https://console.acme.test',
        auditRetentionDays: '90',
      }),
    );

    expect(config).toMatchObject({
      approverGroups: ['finance-approvers', 'support-leads'],
      adminGroups: ['security'],
      auditorGroups: ['compliance', 'internal-audit'],
      corsOrigins: ['https://console.acme.test'],
      auditRetentionDays: 90,
    });
  });

  it('names every missing or bad field at once, with where to set it', () => {
    const problems = problemsOf(() =>
      loadConfig(sources({ stage: 'qa', senderEmail: 'not-an-address', auditRetentionDays: 'forever', corsOrigins: 'ftp://files.acme.test' })),
    );

    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/stage:.*-c stage=\.\.\. or HITL_STAGE/);
    expect(problems.join('\n')).toMatch(/senderEmail:.*HITL_SENDER_EMAIL/);
    expect(problems.join('\n')).toMatch(/auditRetentionDays:.*HITL_AUDIT_RETENTION_DAYS/);
    expect(problems.join('\n')).toMatch(/corsOrigins\.0:.*HITL_CORS_ORIGINS/);
  });

  it('requires a real sender address in prod', () => {
    expect(problemsOf(() => loadConfig(sources({ stage: 'prod' })))).toEqual([expect.stringMatching(/^senderEmail: is required/)]);
    expect(problemsOf(() => loadConfig(sources({ stage: 'prod', senderEmail: 'approvals@example.com' })))).toEqual([
      expect.stringMatching(/^senderEmail: prod needs a real sender address/),
    ]);
  });

  it('refuses a group that is both an approver and an admin group', () => {
    const problems = problemsOf(() => loadConfig(sources({ senderEmail: 'a@acme.test', approverGroups: 'ops', adminGroups: 'ops' })));

    expect(problems).toEqual([expect.stringContaining('adminGroups: shares ops with approverGroups')]);
  });

  it('refuses an auditor group that is also an approver or admin group', () => {
    const problems = problemsOf(() => loadConfig(sources({ senderEmail: 'a@acme.test', auditorGroups: 'approvers' }, { HITL_AUDITOR_GROUPS: 'ignored' })));

    expect(problems).toEqual([expect.stringContaining('auditorGroups: shares approvers with approverGroups or adminGroups')]);
    expect(loadConfig(sources({ senderEmail: 'a@acme.test' }, { HITL_AUDITOR_GROUPS: 'compliance' })).config.auditorGroups).toEqual(['compliance']);
  });

  it('prints one message that lists every problem', () => {
    const error = (() => {
      try {
        loadConfig(sources({ stage: 'qa', senderEmail: 'x' }));
      } catch (caught) {
        return caught as Error;
      }
    })();

    expect(error?.message).toMatch(/^Invalid hitl-approvals configuration \(2 problems\):\n {2}- stage: .*\n {2}- senderEmail: /);
  });
});
