import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's `chromium` package: the browser tests drive it with playwright-core, nothing downloaded. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = path.resolve(__dirname, '../artifacts');

/** `describe`, or `describe.skip` with a message saying why, where Chromium is not installed. */
export function describeInBrowser(name: string, body: () => void) {
  if (existsSync(CHROMIUM_PATH)) return describe(name, body);
  console.warn(`${name}: skipped, no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH); .ci/run installs it`);
  return describe.skip(name, body);
}

export function launchBrowser(): Promise<Browser> {
  // --no-sandbox: CI runs as root in a container, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
}

/** Saves a screenshot (of the whole page unless `fullPage` is false) as test/artifacts/<name>.png (ignored by git). */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}
