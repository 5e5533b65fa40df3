import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
