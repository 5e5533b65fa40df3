import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; `.ci/run` installs it. Browser tests skip, and say so, only where it is missing. */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** Warns once per suite that it is skipped, naming what to install. */
export function warnIfNoChromium(suite: string): void {
  if (!hasChromium) console.warn(`${suite} skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
}

/** Headless Chromium with no background networking: this machine's network is closed. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
