import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's Chromium; `.ci/run` installs it. */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/**
 * Whether the browser tests skip: only outside CI, where Chromium is missing. Under `CI=true` they
 * run, and fail naming what to install, so a run without a browser never passes as green.
 */
export const skipBrowserTests = !hasChromium && process.env.CI !== 'true';

/** Warns once per suite that it is skipped, naming what to install. */
export function warnIfNoChromium(suite: string): void {
  if (skipBrowserTests) console.warn(`${suite} skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
}

/** Headless Chromium with no background networking: this machine's network is closed. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    return Promise.reject(new Error(`the browser tests need Chromium at ${CHROMIUM}, and CI=true does not let them skip: apt-get install -y chromium`));
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * Follows `page`'s requests from now on. The function it returns resolves once none is in flight
 * across two drawn frames: what a view asked for has arrived and been drawn, and drawing it asked
 * for nothing more.
 */
export function settledOnceLoaded(page: Page): () => Promise<void> {
  const inFlight = new Set<Request>();
  const done = (request: Request) => inFlight.delete(request);
  page.on('request', (request) => inFlight.add(request));
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return async () => {
    for (;;) {
      await expect.poll(() => inFlight.size, { message: 'requests still in flight' }).toBe(0);
      await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
      if (inFlight.size === 0) return;
    }
  };
}
