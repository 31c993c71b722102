// The fault script: Conum's server under load, killed or stopped for real, on SQLite and on
// Postgres. For each database:
//
// 1. `kill -9`: WRITERS conseillers record as fast as they can (each record a fresh UUID v7,
//    as the phone makes them); after SECONDS the server is killed mid-load and started again.
//    Every record the server acknowledged must be there, none twice; the records whose answer
//    was lost are sent again (as the outbox does) and must then be there exactly once.
// 2. SIGTERM: the same load, then SIGTERM. Every request under way when the signal came must
//    get its answer (200), the server must exit by itself, and every acknowledged record must
//    be there after a restart.
//
// Usage: node scripts/faults.mjs [--seconds 3] [--writers 8] [--only sqlite|postgres]
// Needs the release bundle (scripts/build.sh: dist/server, or $CONUM_BUNDLE/server) and, for Postgres, the server of
// scripts/postgres.sh (or TEST_POSTGRES_URL). Prints a report; exits 1 if anything was lost,
// duplicated or cut.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: options } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    writers: { type: 'string', default: '8' },
    only: { type: 'string' },
    server: { type: 'string', default: join(process.env.CONUM_BUNDLE ?? join(root, 'dist'), 'server') },
  },
});
const SECONDS = Number(options.seconds);
const WRITERS = Number(options.writers);
const PASSWORD = 'une phrase de passe solide';
/** Requests started this long before the signal must have reached the server. */
const MARGIN_MS = 20;

function uuidv7() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  const ms = BigInt(Date.now());
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

function record() {
  return {
    id: uuidv7(), date: today, activite: 'individuel', participants: 1,
    commune: { insee: '69123', nom: 'Lyon', code_postal: '69001' }, canal: 'rattachement',
    ages: { plus_60: 1 }, statuts: { retraite: 1 }, thematiques: ['courriel'], duree_minutes: 30,
  };
}

/** Starts the server on `databaseUrl` (port `port`, 0 for any); resolves once it listens. */
/** Where the servers write their mails: the writers' accounts open through their links. */
const mailDir = mkdtempSync(join(tmpdir(), 'conum-faults-mails-'));
process.on('exit', () => rmSync(mailDir, { recursive: true, force: true }));

async function startServer(databaseUrl, port = 0) {
  const child = spawn(options.server, [], {
    env: {
      ...process.env, HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: databaseUrl, RUST_LOG: 'warn',
      SIGNUP_MODE: 'ouverte', MAIL_DIR: mailDir,
      // A writer saves a month's records in seconds: far over a day's quota.
      RECORDS_PER_DAY: '1000000',
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const url = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolve(line.match(/http:\/\/\S+/)[0]));
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { url, port: Number(new URL(url).port), child, exited };
}

async function post(url, body, cookie) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: await response.json().catch(() => null), response };
}

/** The token of the link mailed to `email` (waits for the mail). */
async function mailedToken(email) {
  for (let tries = 0; tries < 100; tries += 1) {
    for (const file of readdirSync(mailDir)) {
      const text = readFileSync(join(mailDir, file), 'utf8').replace(/=\r\n/g, '').replace(/=3D/g, '=');
      const token = text.includes(`To: ${email}`) && text.match(/jeton=([0-9a-f]{64})/)?.[1];
      if (token) return token;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail to ${email}`);
}

async function writerAccounts(server) {
  const cookies = [];
  for (let i = 0; i < WRITERS; i++) {
    const email = `ecrivain${i}-${Date.now()}@exemple.fr`;
    const { status } = await post(`${server.url}/api/compte`, {
      email, password: PASSWORD, prenom: 'Écrivain', nom: String(i), structure: 'Banc d\'essai',
      commune: { insee: '69123', nom: 'Lyon', code_postal: '69001' }, departement: '69',
    });
    if (status !== 200) throw new Error(`sign-up: ${status}`);
    const confirmed = await post(`${server.url}/api/adresse/confirmation`, { jeton: await mailedToken(email) });
    if (confirmed.status !== 200) throw new Error(`confirmation: ${confirmed.status}`);
    cookies.push(confirmed.response.headers.get('set-cookie').split(';')[0]);
  }
  return cookies;
}

/**
 * WRITERS loops creating records until `stop()`. Each request is logged with when it started
 * and ended and what came back: acknowledged (200 naming its id) or not.
 */
function load(server, cookies) {
  let running = true;
  const requests = [];
  const loops = cookies.map(async (cookie, writer) => {
    while (running) {
      const body = record();
      const entry = { writer, id: body.id, startedAt: performance.now(), endedAt: null, acknowledged: false, error: null };
      requests.push(entry);
      try {
        const answer = await post(`${server.url}/api/accompagnements`, body, cookie);
        entry.acknowledged = answer.status === 200 && answer.body?.id === body.id;
        if (!entry.acknowledged) entry.error = `HTTP ${answer.status}`;
      } catch (error) {
        entry.error = error.cause?.code ?? error.name;
        await new Promise((r) => setTimeout(r, 20));
      }
      entry.endedAt = performance.now();
    }
  });
  return { requests, async stop() { running = false; await Promise.all(loops); } };
}

async function storedIds(server, cookie) {
  const ids = [];
  for (let page = 1; ; page++) {
    const response = await fetch(`${server.url}/api/accompagnements?par_page=200&page=${page}`, { headers: { cookie } });
    const body = await response.json();
    ids.push(...body.items.map((r) => r.id));
    if (ids.length >= body.total || body.items.length === 0) return ids;
  }
}

/** Every acknowledged id present, none twice; the ids of each writer as stored. */
async function check(server, cookies, acknowledged) {
  const stored = new Map();
  let rows = 0;
  for (const [writer, cookie] of cookies.entries()) {
    for (const id of await storedIds(server, cookie)) {
      rows += 1;
      stored.set(id, (stored.get(id) ?? 0) + 1);
    }
  }
  const missing = [...acknowledged].filter((id) => !stored.has(id));
  const duplicated = [...stored.values()].filter((n) => n > 1).length;
  return { rows, unique: stored.size, missing, duplicated, stored };
}

async function killScenario(databaseUrl) {
  let server = await startServer(databaseUrl);
  const cookies = await writerAccounts(server);
  const writing = load(server, cookies);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  server.child.kill('SIGKILL');
  await server.exited;
  await writing.stop();
  server = await startServer(databaseUrl, server.port);

  const acknowledged = new Set(writing.requests.filter((r) => r.acknowledged).map((r) => r.id));
  const inDoubt = writing.requests.filter((r) => !r.acknowledged);
  // Sent again, as the outbox does with a change whose answer it never got.
  for (const lost of inDoubt) {
    const again = { ...record(), id: lost.id };
    const answer = await post(`${server.url}/api/accompagnements`, again, cookies[lost.writer]);
    if (answer.status !== 200 || answer.body?.id !== lost.id) throw new Error(`resend of ${lost.id}: ${answer.status}`);
  }
  const result = await check(server, cookies, acknowledged);
  const expected = acknowledged.size + inDoubt.length;
  server.child.kill('SIGTERM');
  await server.exited;
  return {
    acknowledged: acknowledged.size,
    inDoubt: inDoubt.length,
    stored: result.unique,
    missing: result.missing.length,
    duplicated: result.duplicated + (result.rows - result.unique),
    extra: result.unique - expected,
    ok: result.missing.length === 0 && result.duplicated === 0 && result.rows === result.unique && result.unique === expected,
  };
}

async function sigtermScenario(databaseUrl) {
  let server = await startServer(databaseUrl);
  const cookies = await writerAccounts(server);
  const writing = load(server, cookies);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const signalAt = performance.now();
  server.child.kill('SIGTERM');
  const { code, signal } = await server.exited;
  const exitedAfterMs = performance.now() - signalAt;
  await writing.stop();

  // Under way: started before the signal, ended after it. A request sent in the last few
  // milliseconds may not have reached the server yet (then it is refused, not cut).
  const underWay = writing.requests.filter((r) => r.startedAt < signalAt && r.endedAt > signalAt);
  const answered = underWay.filter((r) => r.acknowledged);
  const cut = underWay.filter((r) => !r.acknowledged && r.startedAt < signalAt - MARGIN_MS);
  const refusedAfter = writing.requests.filter((r) => r.startedAt >= signalAt && !r.acknowledged).length;
  server = await startServer(databaseUrl, server.port);
  const acknowledged = new Set(writing.requests.filter((r) => r.acknowledged).map((r) => r.id));
  const result = await check(server, cookies, acknowledged);
  server.child.kill('SIGTERM');
  await server.exited;
  return {
    acknowledged: acknowledged.size,
    underWayAtSignal: underWay.length,
    answeredAfterSignal: answered.length,
    cut: cut.length,
    cutErrors: [...new Set(cut.map((r) => r.error))].join(', '),
    refusedAfterSignal: refusedAfter,
    exit: signal ?? code,
    exitedAfterMs: Math.round(exitedAfterMs),
    missing: result.missing.length,
    duplicated: result.duplicated + (result.rows - result.unique),
    ok: cut.length === 0 && code === 0 && result.missing.length === 0 && result.rows === result.unique,
  };
}

function postgresDatabase() {
  const admin = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:15432/postgres';
  const name = `conum_faults_${Date.now()}`;
  execFileSync('psql', [admin, '-q', '-c', `CREATE DATABASE ${name}`]);
  return { url: admin.replace(/\/[^/]*$/, `/${name}`), drop: () => execFileSync('psql', [admin, '-q', '-c', `DROP DATABASE ${name} WITH (FORCE)`]) };
}

const databases = [];
if (options.only !== 'postgres') {
  const dir = mkdtempSync(join(tmpdir(), 'conum-faults-'));
  databases.push({ name: 'SQLite', url: `sqlite://${dir}/conum.db?mode=rwc`, drop: () => rmSync(dir, { recursive: true, force: true }) });
}
if (options.only !== 'sqlite') databases.push({ name: 'Postgres', ...postgresDatabase() });

let failed = false;
console.log(`fault script: ${WRITERS} writers, ${SECONDS} s of load before each fault`);
for (const database of databases) {
  try {
    const killed = await killScenario(database.url);
    console.log(`${database.name} kill -9: ${killed.acknowledged} acknowledged, ${killed.inDoubt} in doubt (sent again), `
      + `${killed.stored} stored, ${killed.missing} missing, ${killed.duplicated} duplicated, ${killed.extra} unexpected`
      + ` → ${killed.ok ? 'OK' : 'FAILED'}`);
    const stopped = await sigtermScenario(database.url);
    console.log(`${database.name} SIGTERM: ${stopped.acknowledged} acknowledged, ${stopped.underWayAtSignal} under way at the signal, `
      + `${stopped.answeredAfterSignal} answered, ${stopped.cut} cut${stopped.cut ? ` (${stopped.cutErrors})` : ''}, ${stopped.refusedAfterSignal} refused after it, `
      + `exit ${stopped.exit} after ${stopped.exitedAfterMs} ms, ${stopped.missing} missing, ${stopped.duplicated} duplicated`
      + ` → ${stopped.ok ? 'OK' : 'FAILED'}`);
    failed ||= !killed.ok || !stopped.ok;
  } finally {
    database.drop();
  }
}
process.exit(failed ? 1 : 0);
