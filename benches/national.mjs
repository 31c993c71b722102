// Benchmark (not a test): the national statistics at the programme's size. Fills a database
// per engine with `conum demo` (4,000 conseillers × 500 records over two years, plus a
// demonstration account with 10,000 records over a year: about 2 million records), then
// times, through the HTTP API of the release server, the last twelve months of France
// entière (its first reading, then from memory), of a région, of a département, the same
// filtered by a canal and by an activité, and the
// demonstration account's own statistics over a year. Then the load: 32 clients asking
// national figures without a pause (anonymous, PUBLIC_STATISTICS=1) while the conseiller
// saves records one after the other and opens the app (GET /api/moi): their p50 / p99
// against the same without the load. The flood's client runs at the lowest priority
// (benches/flood.mjs), as a remote one would take none of the server's CPU.
// The filled databases are kept (in CONUM_BENCH_DIR, target/bench by default; Postgres:
// database conum_national_*) and reused by the next run. Run with scripts/bench.sh national.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, uuidv7 } from '../tests/browser/support.mjs';

const CONSEILLERS = Number(process.env.BENCH_CONSEILLERS ?? 4000);
const PER_CONSEILLER = Number(process.env.BENCH_PAR_CONSEILLER ?? 500);
const DEMO_RECORDS = Number(process.env.BENCH_COMPTE ?? 10000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const DIR = process.env.CONUM_BENCH_DIR ?? join('target', 'bench');
const PG_PORT = process.env.CONUM_PG_PORT ?? '15432';
const SIZE = `${CONSEILLERS}x${PER_CONSEILLER}`;

const engines = [
  { label: 'SQLite', url: `sqlite://${join(process.cwd(), DIR, `national-${SIZE}.db`)}?mode=rwc`, file: join(DIR, `national-${SIZE}.db`) },
  { label: 'Postgres', url: `postgres://postgres@127.0.0.1:${PG_PORT}/conum_national_${SIZE}`, database: `conum_national_${SIZE}` },
];

/** Fills the engine's database unless a previous run did; the demonstration login. */
async function filled(engine) {
  const login = join(DIR, `national-${SIZE}-${engine.label}.login.json`);
  if (existsSync(login)) return JSON.parse(readFileSync(login, 'utf8'));
  if (engine.file) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(engine.file + suffix, { force: true });
  } else {
    execFileSync('psql', ['-h', '127.0.0.1', '-p', PG_PORT, '-U', 'postgres', '-qc', `DROP DATABASE IF EXISTS "${engine.database}"`, '-c', `CREATE DATABASE "${engine.database}"`, 'postgres']);
  }
  console.error(`${engine.label}: conum demo --conseillers ${CONSEILLERS} --par-conseiller ${PER_CONSEILLER} --accompagnements-compte ${DEMO_RECORDS}`);
  const start = Date.now();
  const output = await new Promise((resolve, reject) => {
    const child = spawn('dist/server', ['demo', '--conseillers', String(CONSEILLERS), '--par-conseiller', String(PER_CONSEILLER), '--accompagnements-compte', String(DEMO_RECORDS)], {
      env: { ...process.env, DATABASE_URL: engine.url, RUST_LOG: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`conum demo: ${code}`))));
  });
  const [, email, password] = /Compte de démonstration : (\S+) — mot de passe : (\S+)/.exec(output);
  const result = { email, password, seconds: Math.round((Date.now() - start) / 1000) };
  writeFileSync(login, JSON.stringify(result));
  return result;
}

function percentiles(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: at(0.5).toFixed(1), p95: at(0.95).toFixed(1) };
}

/** Times `path` RUNS times after two warm-up requests; the first (cold) time and the last
 *  answer too. */
async function timed(server, cookie, path) {
  const samples = [];
  let body;
  let first;
  for (let i = 0; i < RUNS + 2; i += 1) {
    const start = process.hrtime.bigint();
    const response = await fetch(`${server.url}${path}`, { headers: { cookie } });
    body = await response.json();
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (i === 0) first = ms.toFixed(0);
    if (i >= 2) samples.push(ms);
  }
  return { ...percentiles(samples), first, body };
}

function isoDay(date) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(date);
}

/** `AAAA-MM` of the month `back` months before the one under way. */
function monthBefore(back) {
  const [year, month] = isoDay(new Date()).split('-').map(Number);
  const d = new Date(Date.UTC(year, month - 1 - back, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** p50 and p99 of `samples`, in ms. */
function p50p99(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: at(0.5), p99: at(0.99) };
}

const LOAD_CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const LOAD_SAVES = Number(process.env.BENCH_SAVES ?? 300);

/** A conseiller's saves and app openings, one after the other: their times in ms. */
async function conseillerWork(server, cookie) {
  const saves = [];
  const opens = [];
  for (let i = 0; i < LOAD_SAVES; i += 1) {
    const record = {
      id: uuidv7(), date: isoDay(new Date()), activite: 'individuel', participants: 1,
      commune: { insee: '69123', nom: 'Lyon', code_postal: '69001' }, canal: 'rattachement',
      ages: { plus_60: 1 }, statuts: { retraite: 1 }, thematiques: ['courriel'], duree_minutes: 30,
    };
    let start = process.hrtime.bigint();
    const saved = await fetch(`${server.url}/api/accompagnements`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(record),
    });
    const answer = await saved.text();
    if (saved.status !== 200) throw new Error(`save: ${saved.status} ${answer}`);
    saves.push(Number(process.hrtime.bigint() - start) / 1e6);
    start = process.hrtime.bigint();
    const me = await fetch(`${server.url}/api/moi`, { headers: { cookie } });
    await me.arrayBuffer();
    opens.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { saves: p50p99(saves), opens: p50p99(opens) };
}

/** `clients` anonymous clients asking national figures (`benches/flood.mjs`, a process of
 *  its own at the lowest priority) until `done` resolves: how many answers of each status. */
async function nationalFlood(server, clients, done) {
  const child = spawn('nice', ['-n', '19', process.execPath, join('benches', 'flood.mjs'), server.url, String(clients), monthBefore(1)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => { out += chunk; });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // The flood runs a moment before the conseiller's work is measured.
  await new Promise((r) => setTimeout(r, 1000));
  done.then(() => child.kill('SIGTERM'));
  return { started: true, result: exited.then(() => JSON.parse(out || '{}')) };
}

mkdirSync(DIR, { recursive: true });
const year = `du=${isoDay(new Date(Date.now() - 364 * 86_400_000))}&au=${isoDay(new Date())}`;
const months = `du=${monthBefore(12)}&au=${monthBefore(1)}`;
const rows = [];
const loadRows = [];
for (const engine of engines) {
  const login = await filled(engine);
  // No daily quota: the conseiller's 300 saves of today, run after run, would pass it (429).
  const server = await startServer({ DATABASE_URL: engine.url, PUBLIC_STATISTICS: '1', RECORDS_PER_DAY: '10000000' });
  try {
    const session = await fetch(`${server.url}/api/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: login.email, password: login.password }),
    });
    if (session.status !== 200) throw new Error(`login: ${session.status} ${await session.text()}`);
    const cookie = session.headers.get('set-cookie').split(';')[0];
    const france = await timed(server, cookie, `/api/statistiques/nationales?territoire=france&${months}`);
    const region = await timed(server, cookie, `/api/statistiques/nationales?territoire=region-84&${months}`);
    const departement = await timed(server, cookie, `/api/statistiques/nationales?territoire=departement-69&${months}`);
    // Filtered: the counters per pair and the secret of every filter (domain::anonymat::Ventilation).
    const filtered = await timed(server, cookie, `/api/statistiques/nationales?territoire=france&${months}&canal=distance`);
    const filteredRegion = await timed(server, cookie, `/api/statistiques/nationales?territoire=region-84&${months}&activite=collectif`);
    const personal = await timed(server, cookie, `/api/statistiques?${year}`);
    const records = (stats) => (stats ? stats.records.toLocaleString('fr-FR') : 'secret');
    rows.push([engine.label, `${login.seconds} s`,
      `${france.first} ms, then ${france.p50} / ${france.p95} (${records(france.body.stats)})`,
      `${region.p50} / ${region.p95}`, `${departement.p50} / ${departement.p95}`,
      `${filtered.first} ms, then ${filtered.p50} / ${filtered.p95} (${records(filtered.body.stats)})`,
      `${filteredRegion.first} ms, then ${filteredRegion.p50} / ${filteredRegion.p95} (${records(filteredRegion.body.stats)})`,
      `${personal.p50} / ${personal.p95} (${personal.body.records.toLocaleString('fr-FR')})`]);

    const quiet = await conseillerWork(server, cookie);
    let finish;
    const done = new Promise((resolve) => { finish = resolve; });
    const flood = await nationalFlood(server, LOAD_CLIENTS, done);
    const loaded = await conseillerWork(server, cookie);
    finish();
    const statuses = await flood.result;
    const ratio = (a, b) => (a / b).toFixed(2);
    loadRows.push([engine.label,
      `${quiet.saves.p50.toFixed(1)} / ${quiet.saves.p99.toFixed(1)}`,
      `${loaded.saves.p50.toFixed(1)} / ${loaded.saves.p99.toFixed(1)} (×${ratio(loaded.saves.p99, quiet.saves.p99)})`,
      `${quiet.opens.p50.toFixed(1)} / ${quiet.opens.p99.toFixed(1)}`,
      `${loaded.opens.p50.toFixed(1)} / ${loaded.opens.p99.toFixed(1)} (×${ratio(loaded.opens.p99, quiet.opens.p99)})`,
      Object.entries(statuses).map(([status, n]) => `${n} × ${status}`).join(', ')]);
  } finally {
    server.stop();
  }
}

console.log(`\nNational statistics, ${CONSEILLERS} conseillers × ${PER_CONSEILLER} records + a demonstration account of ${DEMO_RECORDS}; times in ms, p50 / p95 over ${RUNS} requests through the HTTP API, the last twelve complete months.\n`);
console.log('| Engine | `conum demo` took | France entière: first reading, then from memory (records) | Auvergne-Rhône-Alpes | Rhône | France, canal : à distance: first reading, then from memory (records) | Auvergne-Rhône-Alpes, activité : atelier collectif: the same | Personal statistics, one year (records) |');
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
console.log(`\nA conseiller saving ${LOAD_SAVES} records one after the other (and GET /api/moi after each) alone, then while ${LOAD_CLIENTS} clients ask national figures without a pause (anonymous, PUBLIC_STATISTICS=1; their client at nice 19); ms, p50 / p99 (× the p99 alone).\n`);
console.log('| Engine | Save, alone | Save, under the flood | GET /api/moi, alone | GET /api/moi, under the flood | National answers during the flood |');
console.log('|---|---|---|---|---|---|');
for (const row of loadRows) console.log(`| ${row.join(' | ')} |`);
