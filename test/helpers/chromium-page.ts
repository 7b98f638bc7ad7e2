import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { autogroupNice } from '../../src/csms/session-priority';
import { chromium, type Browser, type Page } from 'playwright-core';
import { tempDir } from './temp-dir';

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

/** Debian's Chromium, headless. Launch it before a page it must catch while it lives (a live run's dashboard): under load the launch alone can take seconds. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: this test needs Debian's chromium (apt-get install -y --no-install-recommends chromium; .ci/run installs it)`);
  return chromium.launch({ executablePath: chromiumKeepingNice(), args: CHROMIUM_ARGS, timeout: 30_000 });
}

let wrapper: string | undefined;

/**
 * Playwright starts the browser in a session of its own, whose scheduling group would weigh as
 * much as everything else (src/csms/session-priority.ts says why): when this test runs niced
 * (`npm test` nices the concurrent files so that test/serial runs beside them undisturbed), the
 * browser is started through a script that gives its group the test's nice, as the CSMS does.
 */
function chromiumKeepingNice(): string {
  const nice = getPriority();
  if (nice <= 0 || autogroupNice() === undefined) return CHROMIUM;
  if (wrapper === undefined) {
    wrapper = join(tempDir('chromium'), 'chromium');
    writeFileSync(wrapper, `#!/bin/sh\necho ${nice} > /proc/self/autogroup 2>/dev/null\nexec ${CHROMIUM} "$@"\n`);
    chmodSync(wrapper, 0o755);
  }
  return wrapper;
}

/**
 * Opens `file` (or an http:// URL) at 1400 × 900 in `browser` and waits for `ready` (a selector the
 * page sets once drawn). When that fails the browser is closed: a browser left open keeps the test
 * file's process alive after its tests end, and the suite would wait for it forever.
 */
export async function openPage(browser: Browser, file: string, ready: string): Promise<OpenedPage> {
  try {
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
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/** A browser of its own, then `file` in it: see openPage. */
export async function openInChromium(file: string, ready: string): Promise<OpenedPage> {
  return openPage(await launchChromium(), file, ready);
}
