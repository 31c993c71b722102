// Shared by the browser tests: the release server on a random port with a fresh SQLite
// database, and headless Debian Chromium driven by Playwright.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Starts dist/server (built by scripts/build.sh) on a fresh SQLite database (unless `env`
 *  says otherwise) and resolves once it listens. */
export async function startServer(env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'conum-browser-'));
  const child = spawn(join(root, 'dist', 'server'), [], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: `sqlite://${dir}/conum.db?mode=rwc`,
      ...env,
    },
    stdio: ['ignore', 'pipe', process.env.TEST_LOG ? 'inherit' : 'ignore'],
  });
  const url = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(line.match(/http:\/\/\S+/)[0]));
    child.once('exit', (code) => reject(new Error(`dist/server exited with ${code}`)));
  });
  return {
    url,
    stop() {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Opens `path` and waits until the client has hydrated the server-rendered page. */
export async function open(page, url) {
  await page.goto(url);
  await page.locator('html[data-pret="1"]').waitFor({ timeout: 30_000 });
}
