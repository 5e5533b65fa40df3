import { createHash } from 'node:crypto';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDashboardAssets } from '#infra/web/dashboard-build';
import { dashboardRoutes } from '../../lambdas/handlers/channels/dashboard-routes.ts';
import { launchChromium, skipBrowserTests, warnIfNoChromium } from '../support/browser.ts';

warnIfNoChromium('dashboard Cognito sign-in browser test');

// The page as the API function serves it on AWS, at a made-up origin; the hosted UI and the API are
// stood in for by the browser's request interception (this machine has no network).
const PAGE = 'https://dash.acme.test/';
const HOSTED_UI = 'https://login.acme.test';
const CLIENT_ID = 'dash-client';

let browser: Browser;
let served: { body: string; headers: Record<string, string> };

beforeAll(async () => {
  if (skipBrowserTests) return;
  const [route] = dashboardRoutes({ auth: { kind: 'cognito', domain: HOSTED_UI, clientId: CLIENT_ID }, assets: localDashboardAssets });
  const answer = await route!.handler({} as never);
  served = { body: answer.body, headers: answer.headers as Record<string, string> };
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');
const idToken = (claims: Record<string, unknown>) => `${base64url(JSON.stringify({ alg: 'RS256' }))}.${base64url(JSON.stringify(claims))}.signature`;

interface Seen {
  authorize?: URL;
  tokenForm?: URLSearchParams;
  apiHeaders: Record<string, string>[];
}

/** A page whose requests to the dashboard origin and the hosted UI are answered here, and recorded. */
async function stagedPage(token: string): Promise<{ page: Page; seen: Seen; problems: string[] }> {
  const page = await browser.newPage();
  const seen: Seen = { apiHeaders: [] };
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.route(`${PAGE}**`, async (route: Route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/') return route.fulfill({ status: 200, headers: served.headers, body: served.body });
    seen.apiHeaders.push(await route.request().allHeaders());
    return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ items: [] }) });
  });
  await page.route(`${HOSTED_UI}/**`, async (route: Route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/oauth2/authorize') {
      seen.authorize = url;
      return route.fulfill({ status: 302, headers: { location: `${PAGE}?code=the-code&state=${url.searchParams.get('state')}` } });
    }
    seen.tokenForm = new URLSearchParams(route.request().postData() ?? '');
    return route.fulfill({ status: 200, contentType: 'application/json', headers: { 'access-control-allow-origin': 'https://dash.acme.test' }, body: JSON.stringify({ id_token: token }) });
  });
  return { page, seen, problems };
}

describe.skipIf(skipBrowserTests)('signing in to the dashboard through the Cognito hosted UI', () => {
  it('signs in with an authorization code and PKCE, then calls the API with the id token', async () => {
    // Prepare
    const token = idToken({ sub: 'u-1', 'cognito:username': 'alice', 'cognito:groups': ['approvers'], exp: Math.floor(Date.now() / 1000) + 3600 });
    const { page, seen, problems } = await stagedPage(token);
    await page.goto(PAGE);
    // Act
    await page.click('#sign-in');
    await page.locator('#identity', { hasText: 'Signed in as alice (approvers)' }).waitFor();
    await expect.poll(() => seen.apiHeaders.length).toBeGreaterThan(0);
    // Assess
    const authorize = seen.authorize!.searchParams;
    expect(Object.fromEntries(authorize)).toMatchObject({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: PAGE, code_challenge_method: 'S256' });
    expect(Object.fromEntries(seen.tokenForm!)).toMatchObject({ grant_type: 'authorization_code', client_id: CLIENT_ID, code: 'the-code', redirect_uri: PAGE });
    const verifier = seen.tokenForm!.get('code_verifier')!;
    expect(authorize.get('code_challenge')).toBe(createHash('sha256').update(verifier).digest('base64url'));
    expect(seen.apiHeaders[0]).toMatchObject({ authorization: `Bearer ${token}`, 'x-hitl-channel': 'dashboard' });
    expect(seen.apiHeaders[0]).not.toHaveProperty('x-user');
    expect(page.url()).toBe(PAGE);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('refuses a code that comes back with a state it did not send', async () => {
    const { page, seen } = await stagedPage(idToken({ sub: 'u-1', exp: Math.floor(Date.now() / 1000) + 3600 }));
    await page.goto(`${PAGE}?code=stolen&state=forged`);
    await expect.poll(() => page.textContent('#status')).toContain('state mismatch');
    expect(seen.tokenForm).toBeUndefined();
    expect(await page.locator('#sign-in').count()).toBe(1);
    await page.close();
  });
});
