// Benchmark (not a test): bundle size, time to save a record and time to list a page,
// against the release server on SQLite and, when reachable, Postgres.
// Run with scripts/bench.sh; it prints a Markdown table for the README.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startServer, openAccount } from '../tests/browser/support.mjs';

const CREATES = Number(process.env.BENCH_CREATES ?? 1000);
const LISTS = Number(process.env.BENCH_LISTS ?? 300);

function uuidv7() {
  const b = randomBytes(16);
  const ms = BigInt(Date.now());
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function record(i) {
  const day = String(1 + (i % 28)).padStart(2, '0');
  const month = String(1 + (i % 10)).padStart(2, '0');
  return {
    id: uuidv7(), date: `2026-${month}-${day}`, activite: 'collectif', participants: 8,
    deja_accompagnes: 3, canal: 'autre_lieu', duree_minutes: 90,
    commune: { insee: '69123', nom: 'Lyon', code_postal: '69001' },
    ages: { moins_12: 3, de_12_a_18: 5 }, statuts: { scolarise: 8 },
    thematiques: ['fraude', 'securite', 'internet'],
    suivi: { individuel: 1, atelier: 2, redirection: 3 },
    redirections: [{ structure: 'caf', personnes: 2 }, { structure: 'autre', precision: 'Secours populaire', personnes: 1 }],
  };
}

function percentiles(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: at(0.5).toFixed(2), p95: at(0.95).toFixed(2) };
}

async function timed(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function bench(label, env) {
  // One account writes BENCH_CREATES records in seconds: far over a day's quota.
  const server = await startServer({ RECORDS_PER_DAY: '1000000', ...env });
  try {
    const cookie = await openAccount(server, {
      email: `bench-${Date.now()}@exemple.fr`, password: 'une phrase de passe solide', prenom: 'B', nom: 'B',
      structure: 'Bench', departement: '69', commune: { insee: '69123', nom: 'Lyon', code_postal: '69001' },
    });
    const headers = { 'content-type': 'application/json', cookie };
    const creates = [];
    for (let i = 0; i < CREATES; i++) {
      creates.push(await timed(async () => {
        const r = await fetch(`${server.url}/api/accompagnements`, { method: 'POST', headers, body: JSON.stringify(record(i)) });
        if (r.status !== 200) throw new Error(`create: ${r.status} ${await r.text()}`);
        await r.arrayBuffer();
      }));
    }
    const lists = [];
    for (let i = 0; i < LISTS; i++) {
      lists.push(await timed(async () => {
        const r = await fetch(`${server.url}/api/accompagnements?du=2026-01-01&au=2026-12-31&par_page=50&page=${1 + (i % 10)}`, { headers });
        if (r.status !== 200) throw new Error(`list: ${r.status}`);
        await r.arrayBuffer();
      }));
    }
    const statistics = [];
    for (let i = 0; i < LISTS; i++) {
      statistics.push(await timed(async () => {
        const r = await fetch(`${server.url}/api/statistiques?du=2026-01-01&au=2026-12-31`, { headers });
        if (r.status !== 200) throw new Error(`stats: ${r.status}`);
        await r.arrayBuffer();
      }));
    }
    const c = percentiles(creates);
    const st = percentiles(statistics);
    const l = percentiles(lists);
    console.log(`| ${label} | save one record (${CREATES} in a row) | ${c.p50} | ${c.p95} |`);
    console.log(`| ${label} | list a page of 50 among ${CREATES} | ${l.p50} | ${l.p95} |`);
    console.log(`| ${label} | statistics of a year (${CREATES} records) | ${st.p50} | ${st.p95} |`);
  } finally {
    server.stop();
  }
}

const publicDir = join(import.meta.dirname, '..', 'dist', 'public');
const shipped = [
  ...readdirSync(join(publicDir, 'assets')).filter((name) => !/\.(br|gz)$/.test(name)).sort().map((name) => join('assets', name)),
  join('dsfr', 'dsfr.min.css'),
];
console.log('| file | bytes | gzip | brotli |\n|---|---|---|---|');
for (const path of shipped) {
  const bytes = readFileSync(join(publicDir, path));
  const name = path.replace(/-dxh[0-9a-f]+/, '');
  console.log(`| ${name} | ${statSync(join(publicDir, path)).size} | ${gzipSync(bytes, { level: 9 }).length} | ${brotliCompressSync(bytes).length} |`);
}
console.log('\n| database | operation | p50 ms | p95 ms |\n|---|---|---|---|');
await bench('SQLite', {});
const pg = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:15432/postgres';
await bench('Postgres', { DATABASE_URL: pg.replace(/\/[^/]*$/, '/conum_bench') });
