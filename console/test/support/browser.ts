// Headless Chromium for the console tests: the machine's Debian chromium driven by playwright-core
// (Playwright's own browser download does not work here). Without chromium the tests skip, except under
// CI=true, where a missing browser is a failure (.ci/run installs it).
import { existsSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../../..');
/** Screenshots of every run (gitignored; CI keeps them as artifacts). */
export const artifactsDir = join(repoRoot, 'console', 'test-artifacts');

export const CHROMIUM = process.env.COFFER_CHROMIUM ?? '/usr/bin/chromium';

/** undefined (skip) when there is no chromium outside CI; a thrown error under CI. */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: the console tests need chromium (apt-get install -y chromium)`);
  return `no chromium at ${CHROMIUM}`;
}

/** Builds console/dist if it is missing or stale (the server serves it at /). */
export function buildConsole(): void {
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build-console.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('the console build failed');
}

/** `extraArgs`: more Chromium flags (e.g. a certificate pin for an HTTPS server). */
export async function launch(extraArgs: string[] = []): Promise<Browser> {
  // launch() gives each browser a fresh temporary profile (its own --user-data-dir), removed on close.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

export async function screenshot(page: Page, name: string, readmeCopy?: string): Promise<void> {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: true });
  if (readmeCopy && process.env.COFFER_UPDATE_SCREENSHOTS === '1') {
    mkdirSync(join(repoRoot, 'docs', 'screenshots'), { recursive: true });
    await page.screenshot({ path: join(repoRoot, 'docs', 'screenshots', `${readmeCopy}.png`), fullPage: false });
  }
}

/** Collects the errors the page logs or throws (CSP violations included) and everything it logs. */
export function watchPage(page: Page, problems: string[], logs: string[] = []): void {
  page.on('console', (msg) => logs.push(msg.text()));
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  // An API error answer is logged by the browser as a failed resource load; that is expected, not a problem.
  page.on('console', (msg) => { if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`console.error: ${msg.text()}`); });
}

/** A page at a laptop's size with short timeouts, watched for errors (and logs, when asked). */
export async function newPage(browser: Browser, problems: string[], logs?: string[], viewport = { width: 1366, height: 860 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(8000);
  watchPage(page, problems, logs);
  return page;
}
