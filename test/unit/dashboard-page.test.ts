import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { localDashboardAssets } from '#infra/web/dashboard-build';
import { dashboardHtml } from '../../lambdas/channels/dashboard/dashboard-page.ts';
import { dashboardRoutes } from '../../lambdas/handlers/channels/dashboard-routes.ts';

const GZIP_BUDGET = 60 * 1024;

async function servedPage(auth: Parameters<typeof dashboardRoutes>[0]['auth']) {
  const [route] = dashboardRoutes({ auth, assets: localDashboardAssets });
  const answer = await route!.handler({} as never);
  return { body: answer.body, csp: String(answer.headers?.['content-security-policy']) };
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const inline = (page: string, tag: 'script' | 'style') => [...page.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]!);

describe('the dashboard page built from web/', () => {
  it('weighs less than 60 KB gzipped, page, style and script together', async () => {
    // Act
    const { body } = await servedPage({ kind: 'headers' });
    const gzipped = gzipSync(body, { level: 9 }).length;
    // Assess
    expect(inline(body, 'script')).toHaveLength(1);
    expect(inline(body, 'script')[0]!.length).toBeGreaterThan(10_000);
    expect(gzipped).toBeLessThan(GZIP_BUDGET);
  });

  it('allows exactly its own inline script and style by hash, with no inline escape hatch and no other origin', async () => {
    // Act
    const { body, csp } = await servedPage({ kind: 'cognito', domain: 'https://login.acme.test', clientId: 'abc"><script>' });
    const [script] = inline(body, 'script');
    const [style] = inline(body, 'style');
    // Assess
    expect(csp).toContain(`script-src ${sha256(script!)};`);
    expect(csp).toContain(`style-src ${sha256(style!)};`);
    expect(csp).toContain("connect-src 'self' https://login.acme.test;");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:\/\/(?!login\.acme\.test)/);
    expect(body).not.toMatch(/<script[^>]*\ssrc=|<link[^>]*stylesheet/);
    expect(body).toContain('data-client-id="abc&quot;&gt;&lt;script&gt;"');
  });

  it('refuses to inline code that would close its own element', () => {
    expect(() => dashboardHtml({ kind: 'headers' }, { script: 'x="</SCRIPT><img src=x>"', style: '' })).toThrow('close their own element');
    expect(() => dashboardHtml({ kind: 'headers' }, { script: '', style: 'a{}</style><script>' })).toThrow('close their own element');
  });

  it('builds the browser code once per process', async () => {
    expect(await localDashboardAssets()).toBe(await localDashboardAssets());
  });
});
