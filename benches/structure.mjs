// Benchmark (not a test): a structure's figures for its coordinator, as a big team has them.
// `conum demo` fills a database per engine (BENCH_CONSEILLERS conseillers with
// BENCH_PAR_CONSEILLER records over two years each, the demonstration account coordinating its
// structure), then BENCH_TEAM of them are attached to that structure. Times, through the HTTP
// API of the release server, a year of the team's figures: pooled (each conseiller's daily
// counters), filtered by a canal (their records read, domain::stats over those kept), one
// conseiller, and the CSV export; p50 / p95 over BENCH_RUNS requests (each view is also
// written to the consultation log, one row per conseiller shown). Run with
// scripts/bench.sh structure.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../tests/browser/support.mjs';

const CONSEILLERS = Number(process.env.BENCH_CONSEILLERS ?? 40);
const PER_CONSEILLER = Number(process.env.BENCH_PAR_CONSEILLER ?? 2000);
const TEAM = Number(process.env.BENCH_TEAM ?? 30);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const PG_PORT = process.env.CONUM_PG_PORT ?? '15432';

function sql(engine, statement) {
  if (engine.file) {
    return execFileSync('python3', ['-c', 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); r = c.execute(sys.argv[2]).fetchall(); c.commit(); print("\\n".join(str(x[0]) for x in r))', engine.file, statement]).toString().trim();
  }
  return execFileSync('psql', ['-h', '127.0.0.1', '-p', PG_PORT, '-U', 'postgres', '-tAc', statement, 'conum_bench']).toString().trim();
}

async function demo(url) {
  const output = await new Promise((resolve, reject) => {
    const child = spawn('dist/server', ['demo', '--conseillers', String(CONSEILLERS), '--par-conseiller', String(PER_CONSEILLER), '--accompagnements-compte', String(PER_CONSEILLER)], {
      env: { ...process.env, DATABASE_URL: url, RUST_LOG: 'warn' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`conum demo: ${code}`))));
  });
  const [, email, password] = /Compte de démonstration : (\S+) — mot de passe : (\S+)/.exec(output);
  return { email, password };
}

function percentiles(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `${at(0.5).toFixed(1)} / ${at(0.95).toFixed(1)}`;
}

async function timed(server, cookie, path) {
  const samples = [];
  for (let i = 0; i < RUNS + 2; i += 1) {
    const start = process.hrtime.bigint();
    const response = await fetch(`${server.url}${path}`, { headers: { cookie } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
    if (i >= 2) samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return percentiles(samples);
}

const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
const yearAgo = `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`;
const rows = [];
for (const label of ['SQLite', 'Postgres']) {
  const dir = mkdtempSync(join(tmpdir(), 'conum-structure-'));
  const engine = label === 'SQLite'
    ? { file: join(dir, 'conum.db'), url: `sqlite://${join(dir, 'conum.db')}?mode=rwc` }
    : { url: `postgres://postgres@127.0.0.1:${PG_PORT}/conum_bench` };
  const login = await demo(engine.url);
  const structure = sql(engine, `SELECT r.structure_id FROM rattachements r JOIN conseillers c ON c.id = r.conseiller_id WHERE c.email = '${login.email}'`);
  sql(engine, `UPDATE rattachements SET structure_id = '${structure}' WHERE conseiller_id IN (SELECT id FROM conseillers ORDER BY id LIMIT ${TEAM})`);
  const members = sql(engine, `SELECT COUNT(*) FROM rattachements WHERE structure_id = '${structure}'`);
  const records = sql(engine, `SELECT COUNT(*) FROM accompagnements a JOIN rattachements r ON r.conseiller_id = a.conseiller_id WHERE r.structure_id = '${structure}' AND a.date >= '${yearAgo}'`);
  const server = await startServer({ DATABASE_URL: engine.url, RUST_LOG: 'warn' }, { dir });
  try {
    const session = await fetch(`${server.url}/api/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(login),
    });
    const cookie = session.headers.get('set-cookie').split(';')[0];
    const one = sql(engine, `SELECT conseiller_id FROM rattachements WHERE structure_id = '${structure}' ORDER BY conseiller_id LIMIT 1`);
    const base = `/api/structures/${structure}/statistiques`;
    const year = `du=${yearAgo}&au=${today}`;
    rows.push([label, `${members} conseillers, ${records} records in the year`,
      await timed(server, cookie, `${base}?${year}`),
      await timed(server, cookie, `${base}?${year}&canal=distance`),
      await timed(server, cookie, `${base}?${year}&conseiller=${one}`),
      await timed(server, cookie, `${base}.csv?${year}`)]);
  } finally {
    await server.halt();
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(`A year of a structure's figures, ${RUNS} requests each, ms p50 / p95. ${today}.\n`);
console.log('| engine | team | pooled (counters) | filtered by a canal (records) | one conseiller | CSV export |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
