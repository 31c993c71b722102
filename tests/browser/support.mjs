// Shared by the browser tests: the release server on a random port with a fresh SQLite
// database, headless Debian Chromium driven by Playwright, and a phone-sized page.
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The release bundle the tests run: scripts/test.sh builds one of its own (CONUM_BUNDLE), so
 *  that a server running from dist/ keeps its files. */
export const bundle = process.env.CONUM_BUNDLE ?? join(root, 'dist');
const require = createRequire(import.meta.url);

/** Starts the bundle's server (built by scripts/build.sh) on a fresh SQLite database (unless `env`
 *  says otherwise) and resolves once it listens. Anyone may sign up (`SIGNUP_MODE=ouverte`)
 *  and mails go to `mailDir`, unless `env` says otherwise. `halt()` stops the process and
 *  keeps the data, `restart()` starts it again on the same port and database, `stop()` ends
 *  it all. */
export async function startServer(env = {}, { dir, port = 0 } = {}) {
  dir ??= mkdtempSync(join(tmpdir(), 'conum-browser-'));
  const mailDir = env.MAIL_DIR ?? join(dir, 'mails');
  const child = spawn(join(bundle, 'server'), [], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: `sqlite://${dir}/conum.db?mode=rwc`,
      SIGNUP_MODE: 'ouverte',
      MAIL_DIR: mailDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', process.env.TEST_LOG ? 'inherit' : 'ignore'],
  });
  const url = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(line.match(/http:\/\/\S+/)[0]));
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const server = {
    url,
    port: Number(new URL(url).port),
    dir,
    mailDir,
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

/** Waits until the app on `page` holds its session on the phone (and tells the server so,
 *  `conum_telephone`): after a sign-up through the API, once the app has run. */
export async function phoneHoldsSession(page) {
  await page.waitForFunction(() => document.cookie.includes('conum_telephone='), null, { timeout: 30_000 });
}

/**
 * Taps "Enregistrer" and waits for the confirmation of this save: the one of an earlier save
 * may still be on screen (with its "Annuler"), so it is told apart by the record it names.
 */
export async function saveAndConfirm(page) {
  const before = await page.evaluate(() => document.querySelector('#confirmation-saisie')?.dataset.record ?? null);
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).tap();
  await page.waitForFunction((previous) => {
    const confirmation = document.querySelector('#confirmation-saisie');
    return confirmation && confirmation.dataset.record !== previous
      && confirmation.textContent.includes('Accompagnement enregistré');
  }, before);
}

/** Opens `url` and waits until the client has hydrated the server-rendered page. */
export async function open(page, url) {
  await page.goto(url);
  await page.locator('html[data-pret="1"]').waitFor({ timeout: 30_000 });
}

/**
 * Opens `url` and counts the bytes on the wire (response headers + encoded body) of every
 * request until the page answers taps: a Map of URL → bytes. Cached and service-worker
 * answers count 0.
 */
export async function bytesUntilInteractive(page, url) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const urls = new Map();
  const sizes = new Map();
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.loadingFinished', (e) => sizes.set(e.requestId, e.encodedDataLength));
  await open(page, url);
  await cdp.detach();
  return new Map([...sizes].map(([id, bytes]) => [urls.get(id), bytes]));
}

export const totalBytes = (sizes) => [...sizes.values()].reduce((a, b) => a + b, 0);

let accounts = 0;
export const PASSWORD = 'une phrase de passe solide';

function signUpBody(commune, names) {
  accounts += 1;
  return {
    email: `conseiller${accounts}-${Date.now()}@exemple.fr`, password: PASSWORD,
    prenom: 'Camille', nom: 'Martin', structure: 'Médiathèque Jean Macé', ...names,
    departement: commune.insee.slice(0, 2), commune,
  };
}

const LYON = { insee: '69123', nom: 'Lyon', code_postal: '69001' };

/** The mails the server wrote to `to`, decoded from quoted-printable, oldest first. */
export function mailsTo(server, to) {
  let files = [];
  try { files = readdirSync(server.mailDir).filter((f) => f.endsWith('.eml')); } catch { return []; }
  return files
    .map((f) => join(server.mailDir, f))
    .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs)
    .map((f) => quotedPrintable(readFileSync(f, 'utf8')))
    .filter((text) => text.includes(`To: ${to}`));
}

function quotedPrintable(text) {
  const bytes = [];
  const joined = text.replace(/=\r\n/g, '');
  for (let i = 0; i < joined.length; i += 1) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The link of the newest mail to `to` whose address contains `path` (waits for it), on the
 *  test's address of the server (the mails name it `localhost`). */
export async function linkMailedTo(server, to, path) {
  let link = null;
  await eventually(async () => {
    const found = mailsTo(server, to).map((m) => m.match(/https?:\/\/\S+/g) ?? []).flat()
      .filter((l) => l.includes(path));
    link = found.at(-1) ?? null;
    return link !== null;
  }, 10_000, `a mail to ${to} with ${path}`);
  const url = new URL(link);
  return `${server.url}${url.pathname}${url.search}`;
}

/** The token of that link. */
async function tokenMailedTo(server, to, path) {
  return new URL(await linkMailedTo(server, to, path)).searchParams.get(path.includes('invitation') ? 'invitation' : 'jeton');
}

/** Creates an account through the API and follows its mail's link, as a conseiller does (the
 *  session's cookie lands in the page's context). */
export async function signUp(page, server, commune = LYON, names = {}) {
  const data = signUpBody(commune, names);
  const response = await page.request.post(`${server.url}/api/compte`, { data });
  if (response.status() !== 200) throw new Error(`sign-up: ${response.status()} ${await response.text()}`);
  const jeton = await tokenMailedTo(server, data.email, '/adresse/confirmer');
  const confirmed = await page.request.post(`${server.url}/api/adresse/confirmation`, { data: { jeton } });
  if (confirmed.status() !== 200) throw new Error(`confirmation: ${confirmed.status()} ${await confirmed.text()}`);
  return data.email;
}

/** Opens an account without a browser (`server`: its `url` and `mailDir`, in `ouverte`
 *  mode): signs up with `data`, follows the mail's link; the session's cookie. */
export async function openAccount(server, data) {
  const post = (path, body) => fetch(`${server.url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const response = await post('/api/compte', data);
  if (response.status !== 200) throw new Error(`sign-up: ${response.status} ${await response.text()}`);
  const jeton = await tokenMailedTo(server, data.email.toLowerCase(), '/adresse/confirmer');
  const confirmed = await post('/api/adresse/confirmation', { jeton });
  if (confirmed.status !== 200) throw new Error(`confirmation: ${confirmed.status} ${await confirmed.text()}`);
  return confirmed.headers.get('set-cookie').split(';')[0];
}

/** Creates an account from elsewhere (not this phone): its email. */
export async function signUpElsewhere(server, names = {}, commune = LYON) {
  const data = signUpBody(commune, names);
  elsewhereCookies.set(data.email, await openAccount(server, data));
  return data.email;
}

const elsewhereCookies = new Map();

/** Stores a record for an account made elsewhere (`signUpElsewhere`). */
export async function createRecordElsewhere(server, email, fields = {}) {
  const record = recordWith(fields);
  const response = await fetch(`${server.url}/api/accompagnements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: elsewhereCookies.get(email) },
    body: JSON.stringify(record),
  });
  if (response.status !== 200) throw new Error(`create: ${response.status} ${await response.text()}`);
  return record;
}

/** The records of the account `email`, asked from elsewhere (a login of its own). */
export async function recordsOf(server, email) {
  const login = await fetch(`${server.url}/api/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`login of ${email}: ${login.status}`);
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const response = await fetch(`${server.url}/api/accompagnements?par_page=200`, { headers: { cookie } });
  return (await response.json()).items;
}

/** Logs in through the login page. */
export async function logInOnThePage(page, email) {
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter', exact: true }).tap();
}

/**
 * A transparent HTTP relay in front of `target` (a server from startServer, whose port may
 * change on restart). `intercept(match, action)` changes what matching requests get:
 * - 'hold': forwarded, but the answer is held back until `release()`;
 * - 'portal': answered "200 OK" with an HTML page, as a captive portal does (not forwarded);
 * - 'lose': forwarded, then the connection is dropped after `then()` ran (an answer lost).
 */
export async function relay(target) {
  let rule = null;
  let held = [];
  const proxy = http.createServer((req, res) => {
    const action = rule && rule.match(req) ? rule.action : null;
    if (action === 'portal') {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><body><h1>Portail Wi-Fi</h1><p>Acceptez les conditions.</p></body></html>');
      return;
    }
    const upstream = http.request(
      { host: '127.0.0.1', port: target.server.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        const deliver = () => {
          res.writeHead(answer.statusCode, answer.headers);
          answer.pipe(res);
        };
        if (action === 'hold') held.push(deliver);
        else if (action === 'lose') {
          answer.resume();
          rule.lost ??= rule.then();
          rule.lost.then(() => req.socket.destroy());
        } else deliver();
      },
    );
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${proxy.address().port}`,
    /** The mails of the server behind. */
    get mailDir() { return target.server.mailDir; },
    intercept(match, action, then) { rule = { match, action, then }; },
    /** How many answers are held back. */
    held: () => held.length,
    release() {
      rule = null;
      const waiting = held;
      held = [];
      for (const deliver of waiting) deliver();
    },
    close: () => { proxy.closeAllConnections(); proxy.close(); },
  };
}

/** Creations of records, for `relay.intercept`. */
export const creates = (req) => req.method === 'POST' && req.url === '/api/accompagnements';

/** Listens on `port`, accepts every connection and never answers: one bar of signal. */
export async function blackHole(port) {
  const sockets = new Set();
  const hole = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => hole.listen(port, '127.0.0.1', resolve));
  return {
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => hole.close(resolve));
    },
  };
}

/** The records the server holds for the page's conseiller, newest first. */
export async function serverRecords(page, server) {
  const response = await page.request.get(`${server.url}/api/accompagnements?par_page=200`);
  if (response.status() !== 200) throw new Error(`records asked of the server: ${response.status()} ${await response.text()}`);
  return (await response.json()).items;
}

/** Today in Paris, AAAA-MM-JJ. */
export function todayInParis() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
}

/** Runs axe-core in the page and returns its violations. (Evaluated through the DevTools
 *  protocol: the page's Content-Security-Policy rightly refuses an injected script tag.) */
export async function axeViolations(page) {
  await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
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

/** An individual accompaniment unless `fields` say otherwise. */
function recordWith(fields) {
  return {
    id: uuidv7(), date: todayInParis(), activite: 'individuel', participants: 1,
    commune: { insee: '69123', nom: 'Lyon', code_postal: '69001' }, canal: 'rattachement',
    ages: { plus_60: 1 }, statuts: { retraite: 1 }, thematiques: ['courriel'], duree_minutes: 30,
    ...fields,
  };
}

/** Stores a record through the API (an individual accompaniment unless `fields` say otherwise). */
export async function createRecord(page, server, fields = {}) {
  const record = recordWith(fields);
  const response = await page.request.post(`${server.url}/api/accompagnements`, { data: record });
  if (response.status() !== 200) throw new Error(`create: ${response.status()} ${await response.text()}`);
  return record;
}

/**
 * Runs `body({ own, page, context, email })` with a server and a browser of its own (the test
 * kills and restarts that server: `own.server = await own.server.restart()`), on a phone with a
 * new conseiller, `path` open. Everything is stopped afterwards, whatever happens.
 */
export async function withOwnServer(body, { env = {}, path = '/', names = {} } = {}) {
  const own = { server: await startServer(env) };
  const browser = await launchBrowser();
  try {
    const context = await newPhone(browser);
    const page = await context.newPage();
    const email = await signUp(page, own.server, LYON, names);
    await open(page, `${own.server.url}${path}`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    await body({ own, page, context, email, browser });
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

/**
 * Reads the statistics page down to its last chart, as a conseiller scrolls it (charts are
 * drawn as they reach the screen), until every chart has something drawn on it.
 */
export async function everyChartDrawn(page) {
  await page.waitForFunction(() => {
    const drawn = (box) => {
      const canvas = box.querySelector('canvas');
      if (!canvas || canvas.width === 0) return false;
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
      return false;
    };
    // The sections come one task after another: every place is there once the rest shows.
    const complete = document.querySelector('.chiffres-complets') !== null;
    const boxes = [...document.querySelectorAll('.graphique__dessin')];
    const next = boxes.find((box) => !drawn(box));
    next?.scrollIntoView({ block: 'center' });
    return complete && boxes.length > 0 && !next;
  }, null, { timeout: 20_000, polling: 100 });
}

/** What the phone keeps in IndexedDB, store by store. */
export function phoneStores(page) {
  return page.evaluate(async () => {
    const store = await import('/store.js');
    const read = (name) => store.transaction([name], 'readonly', (s) => s[name].getAll());
    return { kept: await read('kept'), outbox: await read('outbox'), meta: await read('meta') };
  });
}
