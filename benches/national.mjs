// Benchmark (not a test): the national statistics at the programme's size. Fills a database
// per engine with `conum demo` (4,000 conseillers × 500 records over two years, plus a
// demonstration account with 10,000 records over a year: about 2 million records), then
// times, through the HTTP API of the release server, a year of France entière, of a région,
// of a département, and the demonstration account's own statistics over a year.
// The filled databases are kept (in CONUM_BENCH_DIR, target/bench by default; Postgres:
// database conum_national_*) and reused by the next run. Run with scripts/bench.sh national.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../tests/browser/support.mjs';

const CONSEILLERS = Number(process.env.BENCH_CONSEILLERS ?? 4000);
const PER_CONSEILLER = Number(process.env.BENCH_PAR_CONSEILLER ?? 500);
const DEMO_RECORDS = Number(process.env.BENCH_COMPTE ?? 10000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const DIR = process.env.CONUM_BENCH_DIR ?? join('target', 'bench');
const PG_PORT = process.env.CONUM_PG_PORT ?? '55432';
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

/** Times `path` RUNS times after two warm-up requests; the last answer too. */
async function timed(server, cookie, path) {
  const samples = [];
  let body;
  for (let i = 0; i < RUNS + 2; i += 1) {
    const start = process.hrtime.bigint();
    const response = await fetch(`${server.url}${path}`, { headers: { cookie } });
    body = await response.json();
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
    if (i >= 2) samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { ...percentiles(samples), body };
}

function isoDay(date) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(date);
}

mkdirSync(DIR, { recursive: true });
const au = isoDay(new Date());
const du = isoDay(new Date(Date.now() - 364 * 86_400_000));
const year = `du=${du}&au=${au}`;
const rows = [];
for (const engine of engines) {
  const login = await filled(engine);
  const server = await startServer({ DATABASE_URL: engine.url });
  try {
    const session = await fetch(`${server.url}/api/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: login.email, password: login.password }),
    });
    if (session.status !== 200) throw new Error(`login: ${session.status} ${await session.text()}`);
    const cookie = session.headers.get('set-cookie').split(';')[0];
    const all = await timed(server, cookie, '/api/statistiques/nationales?territoire=france&du=2020-01-01');
    const france = await timed(server, cookie, `/api/statistiques/nationales?territoire=france&${year}`);
    const region = await timed(server, cookie, `/api/statistiques/nationales?territoire=region-84&${year}`);
    const departement = await timed(server, cookie, `/api/statistiques/nationales?territoire=departement-69&${year}`);
    const personal = await timed(server, cookie, `/api/statistiques?${year}`);
    rows.push([engine.label, all.body.stats.records.toLocaleString('fr-FR'), `${login.seconds} s`,
      `${france.p50} / ${france.p95} (${france.body.stats.records.toLocaleString('fr-FR')})`,
      `${region.p50} / ${region.p95}`, `${departement.p50} / ${departement.p95}`,
      `${personal.p50} / ${personal.p95} (${personal.body.records.toLocaleString('fr-FR')})`]);
  } finally {
    server.stop();
  }
}

console.log(`\nNational statistics, ${CONSEILLERS} conseillers × ${PER_CONSEILLER} records + a demonstration account of ${DEMO_RECORDS}; times in ms, p50 / p95 over ${RUNS} requests through the HTTP API.\n`);
console.log('| Engine | Records in the database | `conum demo` took | France entière, one year (records) | Auvergne-Rhône-Alpes, one year | Rhône, one year | Personal statistics, one year (records) |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
