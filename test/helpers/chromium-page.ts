import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * A page of ours opened from its file in a real headless Chromium (Debian's, driven by
 * playwright-core; .ci/run installs it; npm never downloads a browser), with every script error
 * and every request the page makes recorded, so a test can say "nothing failed, nothing fetched".
 */
export const CHROMIUM = '/usr/bin/chromium';
// As root in a sandbox with no network: no sandbox, no GPU, and none of Chromium's own background
// connections (they would be refused, many at a time).
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface OpenedPage {
  readonly browser: Browser;
  readonly page: Page;
  readonly url: string;
  /** Uncaught errors and console errors, as they came. */
  readonly errors: string[];
  readonly requests: string[];
}

/** Opens `file` (or an http:// URL) at 1400 × 900 and waits for `ready` (a selector the page sets once drawn). */
export async function openInChromium(file: string, ready: string): Promise<OpenedPage> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: this test needs Debian's chromium (apt-get install -y --no-install-recommends chromium; .ci/run installs it)`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
  const errors: string[] = [];
  const requests: string[] = [];
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('request', (req) => requests.push(req.url()));
  const url = /^https?:\/\//.test(file) ? file : pathToFileURL(file).href;
  await page.goto(url);
  await page.waitForSelector(ready, { timeout: 15_000 });
  return { browser, page, url, errors, requests };
}
