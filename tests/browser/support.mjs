// Shared by the browser tests: the release server on a random port with a fresh SQLite
// database, headless Debian Chromium driven by Playwright, and a phone-sized page.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

/** Starts dist/server (built by scripts/build.sh) on a fresh SQLite database (unless `env`
 *  says otherwise) and resolves once it listens. `halt()` stops the process and keeps the
 *  data, `restart()` starts it again on the same port and database, `stop()` ends it all. */
export async function startServer(env = {}, { dir, port = 0 } = {}) {
  dir ??= mkdtempSync(join(tmpdir(), 'conum-browser-'));
  const child = spawn(join(root, 'dist', 'server'), [], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
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
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const server = {
    url,
    port: Number(new URL(url).port),
    dir,
    async halt() {
      child.kill('SIGKILL');
      await exited;
    },
    restart(moreEnv = {}) {
      return startServer({ ...env, ...moreEnv }, { dir, port: server.port });
    },
    stop() {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
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

/** One server and one browser for the tests of a file, started before and stopped after. */
export function serverAndBrowser() {
  const shared = {};
  before(async () => {
    shared.server = await startServer();
    shared.browser = await launchBrowser();
  });
  after(async () => {
    await shared.browser?.close();
    shared.server?.stop();
  });
  return shared;
}

/** A phone: 390×844, touch, French, in Paris. */
export async function newPhone(browser, viewport = { width: 390, height: 844 }) {
  return browser.newContext({
    viewport,
    hasTouch: true,
    isMobile: viewport.width < 800,
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
  });
}

/** Opens `url` and waits until the client has hydrated the server-rendered page. */
export async function open(page, url) {
  await page.goto(url);
  await page.locator('html[data-pret="1"]').waitFor({ timeout: 30_000 });
}

let accounts = 0;

/** Creates an account through the API (its cookie lands in the page's context). */
export async function signUp(page, server, commune = { insee: '69123', nom: 'Lyon', code_postal: '69001' }) {
  accounts += 1;
  const email = `conseiller${accounts}-${Date.now()}@exemple.fr`;
  const response = await page.request.post(`${server.url}/api/compte`, {
    data: {
      email, password: 'une phrase de passe solide', prenom: 'Camille', nom: 'Martin',
      structure: 'Médiathèque Jean Macé', departement: commune.insee.slice(0, 2), commune,
    },
  });
  if (response.status() !== 200) throw new Error(`sign-up: ${response.status()} ${await response.text()}`);
  return email;
}

/** The records the server holds for the page's conseiller, newest first. */
export async function serverRecords(page, server) {
  const response = await page.request.get(`${server.url}/api/accompagnements?par_page=200`);
  return (await response.json()).items;
}

/** Today in Paris, AAAA-MM-JJ. */
export function todayInParis() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
}

/** Runs axe-core in the page and returns its violations. */
export async function axeViolations(page) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

/** Taps and counts: the tests prove how many taps a task takes. */
export function tapCounter() {
  const counter = {
    taps: 0,
    async tap(locator) {
      counter.taps += 1;
      await locator.tap();
    },
  };
  return counter;
}

/** A UUID v7, as the app makes them. */
export function uuidv7() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  const ms = BigInt(Date.now());
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Stores a record through the API (an individual accompaniment unless `fields` say otherwise). */
export async function createRecord(page, server, fields = {}) {
  const record = {
    id: uuidv7(), date: todayInParis(), activite: 'individuel', participants: 1,
    commune: { insee: '69123', nom: 'Lyon', code_postal: '69001' }, canal: 'rattachement',
    ages: { plus_60: 1 }, statuts: { retraite: 1 }, thematiques: ['courriel'], duree_minutes: 30,
    ...fields,
  };
  const response = await page.request.post(`${server.url}/api/accompagnements`, { data: record });
  if (response.status() !== 200) throw new Error(`create: ${response.status()} ${await response.text()}`);
  return record;
}

/**
 * Runs `body({ own, page, context, email })` with a server and a browser of its own (the test
 * kills and restarts that server: `own.server = await own.server.restart()`), on a phone with a
 * new conseiller, `path` open. Everything is stopped afterwards, whatever happens.
 */
export async function withOwnServer(body, { env = {}, path = '/' } = {}) {
  const own = { server: await startServer(env) };
  const browser = await launchBrowser();
  try {
    const context = await newPhone(browser);
    const page = await context.newPage();
    const email = await signUp(page, own.server);
    await open(page, `${own.server.url}${path}`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    await body({ own, page, context, email });
    await context.close();
  } finally {
    await browser.close();
    own.server.stop();
  }
}

/** Polls `check` every half second until it holds; returns how long it took. */
export async function eventually(check, timeoutMs, what) {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
