// The attack script: Conum's release binary tried as an attacker on the open internet would,
// on SQLite and on Postgres, and as two servers sharing one Postgres. Each case prints what
// was expected and what was observed; the script exits 1 if any case is not as expected.
//
// Usage: node scripts/attacks.mjs [--only sqlite|postgres|two-servers]
//        [--part connections|passwords|hygiene|exportsAndMoves]
// Needs the release bundle (scripts/build.sh: dist/server, or $CONUM_BUNDLE/server) and, for Postgres, the server of
// scripts/postgres.sh (or TEST_POSTGRES_URL).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { uuidv7 } from '../tests/browser/support.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: options } = parseArgs({ options: { only: { type: 'string' }, part: { type: 'string' } } });
const SERVER = join(process.env.CONUM_BUNDLE ?? join(root, 'dist'), 'server');
const PASSWORD = 'une phrase de passe solide';
const PROXY_HEADER = 'x-attack-client';
const PG_ADMIN = process.env.TEST_POSTGRES_URL ?? `postgres://postgres@127.0.0.1:${process.env.CONUM_PG_PORT ?? 15432}/postgres`;

const results = [];
function report(engine, name, expected, observed, ok) {
  results.push({ engine, name, expected, observed, ok });
  console.error(`${ok ? 'ok  ' : 'FAIL'} ${engine} — ${name}: ${observed}`);
}

/** A Postgres database of its own (dropped at exit), or a SQLite file in `dir`. */
function database(engine, dir) {
  if (engine === 'sqlite') return `sqlite://${dir}/conum.db?mode=rwc`;
  const name = `conum_attacks_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  execFileSync('psql', [PG_ADMIN, '-qc', `CREATE DATABASE ${name}`]);
  process.on('exit', () => {
    try { execFileSync('psql', [PG_ADMIN, '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]); } catch { /* best effort */ }
  });
  return PG_ADMIN.replace(/\/[^/]*$/, `/${name}`);
}

/** The release server on `databaseUrl`, its log in `dir/server.log`; `files`: its open-file
 *  limit (as systemd's default, 1,024). */
async function start(databaseUrl, dir, env = {}, { files = 1024 } = {}) {
  const log = join(dir, `server-${Date.now()}.log`);
  const child = spawn('sh', ['-c', `ulimit -n ${files} && exec "$0" 2>>"${log}"`, SERVER], {
    env: {
      ...process.env, HOST: '127.0.0.1', PORT: '0', DATABASE_URL: databaseUrl, RUST_LOG: 'info',
      SIGNUP_MODE: 'ouverte', MAIL_DIR: join(dir, 'mails'), ...env,
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const url = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolve(line.match(/http:\/\/\S+/)[0]));
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${readFileSync(log, 'utf8').slice(-2000)}`)));
  });
  child.stdout.resume();
  return {
    url, child, log, dir, mailDir: join(dir, 'mails'),
    rss: () => Number(readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024,
    logBytes: () => statSync(log).size,
    stop: () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGKILL'); }),
  };
}

const json = (body) => ({ 'content-type': 'application/json', body: JSON.stringify(body) });
async function post(server, path, body, headers = {}) {
  const { body: text, ...h } = json(body);
  return fetch(`${server.url}${path}`, { method: 'POST', headers: { ...h, ...headers }, body: text });
}
const from = (address) => ({ [PROXY_HEADER]: address });
const signUpBody = (email) => ({
  email, password: PASSWORD, prenom: 'Camille', nom: 'Test', structure: 'Médiathèque',
  commune: { insee: '69123', nom: 'Lyon', code_postal: '69001' }, departement: '69',
});
let nextAddress = 1;

/** The newest mail to `to` with a link to `path`: its token. */
async function tokenMailedTo(server, to, path) {
  for (let i = 0; i < 100; i++) {
    const mails = readdirSync(server.mailDir, { withFileTypes: true })
      .filter((f) => f.name.endsWith('.eml'))
      .map((f) => readFileSync(join(server.mailDir, f.name), 'utf8').replace(/=\r\n/g, '').replace(/=3D/g, '='))
      .filter((text) => text.includes(`To: ${to}`) && text.includes(path));
    const token = mails.map((m) => m.match(new RegExp(`${path}\\?jeton=([0-9a-f]{64})`))?.[1]).find(Boolean);
    if (token) return token;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail to ${to}`);
}

/** Opens an account and returns its session cookie. */
async function account(server, email) {
  const signed = await post(server, '/api/compte', signUpBody(email), from(`10.9.0.${nextAddress++}`));
  if (signed.status !== 200) throw new Error(`sign-up ${signed.status}`);
  const confirmed = await post(server, '/api/adresse/confirmation', { jeton: await tokenMailedTo(server, email, '/adresse/confirmer') });
  return confirmed.headers.get('set-cookie').split(';')[0];
}

const record = (date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date())) => ({
  id: uuidv7(), date, activite: 'individuel', participants: 1,
  commune: { insee: '69123', nom: 'Lyon', code_postal: '69001' }, canal: 'rattachement',
  ages: { plus_60: 1 }, statuts: { retraite: 1 }, thematiques: ['courriel'], duree_minutes: 30,
});

function count(statuses) {
  const c = {};
  for (const s of statuses) c[s] = (c[s] ?? 0) + 1;
  return Object.entries(c).map(([s, n]) => `${n}×${s}`).join(', ');
}

/** A socket from `localAddress` that sends half a request head, then nothing. */
function halfRequest(port, localAddress) {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress }, () => {
      socket.write('GET / HTTP/1.1\r\nHost: conum\r\nX-Slow: ');
      resolve(socket);
    });
    socket.on('error', () => resolve(null));
  });
}

async function connections(engine, url, dir) {
  // No proxy in front: the per-client cap applies.
  const server = await start(url, dir, { TRUSTED_PROXY_HEADER: '' });
  const port = Number(new URL(server.url).port);
  try {
    const slow = [];
    for (let n = 0; n < 1100; n++) slow.push(await halfRequest(port, `127.0.1.${Math.floor(n / 50) + 1}`));
    const started = performance.now();
    const answer = await fetch(`${server.url}/api/moi`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status, () => 'none');
    const ms = Math.round(performance.now() - started);
    report(engine, '1,100 slow connections, 1,024 files', 'a normal request answered < 1 s',
      `${slow.filter(Boolean).length} held or closed, normal request ${answer} in ${ms} ms`, answer === 401 && ms < 1000);
    for (const s of slow) s?.destroy();

    const mine = [];
    for (let n = 0; n < 64; n++) mine.push(await halfRequest(port, '127.0.2.1'));
    const extra = await halfRequest(port, '127.0.2.1');
    const extraStart = performance.now();
    const answered = await new Promise((resolve) => {
      let text = '';
      extra.on('data', (d) => { text += d; });
      extra.on('close', () => resolve(text));
      setTimeout(() => resolve(text), 3000);
    });
    report(engine, '65 connections from one client', '65th: 503 at once',
      `${answered.split('\r\n')[0] || 'nothing'} in ${Math.round(performance.now() - extraStart)} ms`, answered.startsWith('HTTP/1.1 503'));
    const closedAt = await new Promise((resolve) => {
      const t0 = performance.now();
      mine[0].on('close', () => resolve((performance.now() - t0) / 1000));
      setTimeout(() => resolve(null), 15000);
    });
    report(engine, 'a silent connection', 'closed within 10 s', closedAt === null ? 'still open after 15 s' : `closed after ≤ ${closedAt.toFixed(1)} s`, closedAt !== null);
    for (const s of mine) s?.destroy();
  } finally {
    await server.stop();
  }
}

async function passwords(engine, url, dir) {
  const server = await start(url, dir, { TRUSTED_PROXY_HEADER: PROXY_HEADER });
  try {
    await account(server, 'victime@exemple.fr');
    const wrong = (email, address) => post(server, '/api/session', { email, password: 'mauvais mot de passe !' }, from(address)).then((r) => r.status);
    const right = (address) => post(server, '/api/session', { email: 'victime@exemple.fr', password: PASSWORD }, from(address)).then((r) => r.status);

    const rest = server.rss();
    const parallel = await Promise.all(Array.from({ length: 300 }, (_, n) => wrong(n % 2 ? `personne${n}@exemple.fr` : 'victime@exemple.fr', '198.51.100.1')));
    const refused = parallel.filter((s) => s === 429).length;
    report(engine, '300 parallel wrong logins, one address', '≥ 270 × 429, RSS bounded',
      `${count(parallel)}; RSS ${rest.toFixed(0)} → ${server.rss().toFixed(0)} MB`, refused >= 270 && server.rss() < rest + 120);

    const stranger = [];
    for (let n = 0; n < 50; n++) stranger.push(await wrong('victime@exemple.fr', '198.51.100.2'));
    const owner = await right('203.0.113.5');
    report(engine, "a stranger's 50 wrong passwords", 'the owner still logs in', `stranger: ${count(stranger)}; owner: ${owner}`, owner === 200);

    const resets = [];
    for (let n = 0; n < 6; n++) resets.push((await post(server, '/api/mot-de-passe/oubli', { email: 'victime@exemple.fr' }, from(`198.51.101.${n}`))).status);
    const afterResets = await right('203.0.113.6');
    report(engine, '6 reset requests for the victim', '3 links, then 429; login unaffected', `${count(resets)}; owner: ${afterResets}`, afterResets === 200 && resets.filter((s) => s === 200).length === 3);

    const cookie = await account(server, 'voleur@exemple.fr');
    const changes = [];
    for (let n = 0; n < 40; n++) {
      const r = await fetch(`${server.url}/api/moi/mot-de-passe`, {
        method: 'PUT', headers: { 'content-type': 'application/json', cookie, ...from('198.51.100.3') },
        body: JSON.stringify({ actuel: `essai ${n} du mot de passe`, nouveau: 'une autre phrase de passe' }),
      });
      changes.push(r.status);
    }
    report(engine, '40 wrong current passwords (stolen cookie)', '5 × 400, then 429', count(changes), changes.slice(0, 5).every((s) => s === 400) && changes.slice(5).every((s) => s === 429));

    await account(server, 'innocente@exemple.fr');
    const flood = [];
    const floodStart = performance.now();
    for (let wave = 0; wave < 20; wave++) {
      flood.push(...await Promise.all(Array.from({ length: 200 }, (_, n) => fetch(`${server.url}/api/moi/mot-de-passe`, {
        method: 'PUT', headers: { 'content-type': 'application/json', cookie, ...from(`10.60.${wave}.${n}`) },
        body: JSON.stringify({ actuel: `essai ${wave}-${n}`, nouveau: 'une autre phrase de passe' }),
      }).then((r) => r.status))));
    }
    const floodSeconds = (performance.now() - floodStart) / 1000;
    const innocent = await post(server, '/api/session', { email: 'innocente@exemple.fr', password: PASSWORD }, from('203.0.113.50'));
    report(engine, '4,000 password changes from one stolen session, 4,000 networks', 'the account ceiling holds; an innocent logs in',
      `${count(flood)} in ${floodSeconds.toFixed(1)} s; innocent: ${innocent.status}`, innocent.status === 200 && flood.filter((s) => s === 400).length <= 30);

    const v6 = [];
    for (let n = 0; n < 21; n++) v6.push(await wrong(`p${n}@exemple.fr`, `2001:db8:77:1::${n.toString(16)}`));
    report(engine, '21 addresses of one IPv6 /64', 'the /64 gets 20 attempts', count(v6), v6[20] === 429 && v6.slice(0, 20).every((s) => s === 401));

    const logBefore = server.logBytes();
    const rssBefore = server.rss();
    const huge = `${'x'.repeat(60_000)}@exemple.fr`;
    const hugeStatuses = [];
    for (let wave = 0; wave < 30; wave++) {
      hugeStatuses.push(...await Promise.all(Array.from({ length: 100 }, (_, n) => post(server, '/api/session', { email: `${n}${huge}`, password: 'x' }, from(`10.20.${wave}.${n}`)).then((r) => r.status))));
    }
    const logGrowth = (server.logBytes() - logBefore) / 1024 / 1024;
    const rssGrowth = server.rss() - rssBefore;
    report(engine, '3,000 logins with a 60 KB email', 'all 400; memory and log barely move',
      `${count(hugeStatuses)}; RSS +${rssGrowth.toFixed(0)} MB, log +${logGrowth.toFixed(1)} MB`,
      hugeStatuses.every((s) => s === 400) && rssGrowth < 40 && logGrowth < 5);

    const forged = await post(server, '/api/session', { email: 'a@b.fr\nFAKE log line', password: 'x' }, from('10.30.0.1'));
    const forgedLine = readFileSync(server.log, 'utf8').split('\n').some((l) => l.startsWith('FAKE'));
    report(engine, 'a newline in a login email', 'no forged log line', `${forged.status}, forged line: ${forgedLine}`, !forgedLine);
  } finally {
    await server.stop();
  }
}

async function hygiene(engine, url, dir) {
  const server = await start(url, dir, { TRUSTED_PROXY_HEADER: PROXY_HEADER, RECORDS_PER_DAY: '500' });
  try {
    const cookie = await account(server, 'camille@exemple.fr');
    const headers = { 'content-type': 'application/json', cookie };
    const saves = [];
    for (let n = 0; n < 520; n++) {
      saves.push((await fetch(`${server.url}/api/accompagnements`, { method: 'POST', headers, body: JSON.stringify(record()) })).status);
    }
    report(engine, '520 records in a day from one account', '500, then a French 429', count(saves), saves.slice(0, 500).every((s) => s === 200) && saves.slice(500).every((s) => s === 429));

    await post(server, '/api/mot-de-passe/oubli', { email: 'camille@exemple.fr' }, from('10.40.0.1'));
    const token = await tokenMailedTo(server, 'camille@exemple.fr', '/mot-de-passe/nouveau');
    await fetch(`${server.url}/mot-de-passe/nouveau?jeton=${token}`);
    await fetch(`${server.url}/api/moi/mot-de-passe`, { method: 'PUT', headers: { ...headers, ...from('10.40.0.1') }, body: JSON.stringify({ actuel: PASSWORD, nouveau: 'une autre phrase de passe' }) });
    const reused = await post(server, '/api/mot-de-passe/nouveau', { jeton: token, nouveau: "la phrase de l'attaquant" });
    report(engine, 'a reset link after a password change', '400 (no longer valid)', String(reused.status), reused.status === 400);
    const logged = readFileSync(server.log, 'utf8');
    report(engine, 'a reset token in the access log', 'absent', logged.includes(token) ? 'present' : 'absent', !logged.includes(token));

    const host = new URL(server.url).host;
    const crossScheme = await post(server, '/api/session', { email: 'x@exemple.fr', password: 'x' }, { origin: `https://${host}`, ...from('10.40.0.2') });
    report(engine, `Origin https://${host} on an http server`, '403', String(crossScheme.status), crossScheme.status === 403);

    const unknown = await fetch(`${server.url}/api/nulle-part`);
    report(engine, 'an unknown /api/ address', 'JSON 404', `${unknown.status} ${unknown.headers.get('content-type')}`, unknown.status === 404 && unknown.headers.get('content-type').startsWith('application/json'));

    const other = await account(server, 'dominique@exemple.fr');
    const relogged = await post(server, '/api/session', { email: 'camille@exemple.fr', password: 'une autre phrase de passe' }, { cookie: other, ...from('10.40.0.3') });
    const previous = await fetch(`${server.url}/api/moi`, { headers: { cookie: other } });
    report(engine, 'a login on a browser with a session', 'the previous session ends', `login ${relogged.status}, previous cookie ${previous.status}`, relogged.status === 200 && previous.status === 401);

    const mailsBefore = readdirSync(server.mailDir).filter((f) => readFileSync(join(server.mailDir, f), 'utf8').includes('To: dominique@exemple.fr')).length;
    const dominique = await post(server, '/api/session', { email: 'dominique@exemple.fr', password: PASSWORD }, from('10.40.0.4'));
    const dcookie = dominique.headers.get('set-cookie').split(';')[0];
    await fetch(`${server.url}/api/moi`, { method: 'DELETE', headers: { 'content-type': 'application/json', cookie: dcookie, ...from('10.40.0.4') }, body: JSON.stringify({ password: PASSWORD }) });
    const mailsAfter = readdirSync(server.mailDir).filter((f) => readFileSync(join(server.mailDir, f), 'utf8').includes('To: dominique@exemple.fr')).length;
    report(engine, "a deleted account's mails", 'removed from MAIL_DIR', `${mailsBefore} → ${mailsAfter}`, mailsBefore > 0 && mailsAfter === 0);

    const forgedIps = [];
    const noProxy = await start(url, join(dir), { TRUSTED_PROXY_HEADER: '' });
    try {
      for (let n = 0; n < 200; n++) {
        forgedIps.push((await post(noProxy, '/api/session', { email: `p${n}@exemple.fr`, password: 'x' }, { 'x-forwarded-for': `203.0.113.${n % 250}` })).status);
      }
    } finally {
      await noProxy.stop();
    }
    report(engine, '200 logins with forged X-Forwarded-For', 'counted on the real address: 429s', count(forgedIps), forgedIps.filter((s) => s === 429).length >= 180);

    const routes = [['POST', '/api/accompagnements'], ['PUT', '/api/accompagnements/x'], ['DELETE', '/api/accompagnements/x'], ['POST', '/api/session'], ['DELETE', '/api/session'], ['POST', '/api/compte'], ['PUT', '/api/moi'], ['DELETE', '/api/moi'], ['PUT', '/api/moi/mot-de-passe'], ['POST', '/api/mot-de-passe/oubli'], ['POST', '/api/mot-de-passe/nouveau']];
    const cross = [];
    for (const [method, path] of routes) {
      cross.push((await fetch(`${server.url}${path}`, { method, headers: { 'content-type': 'application/json', cookie, origin: 'https://evil.example' }, body: '{}' })).status);
    }
    report(engine, `${routes.length} state-changing routes, foreign Origin`, 'all 403', count(cross), cross.every((s) => s === 403));

    const page = await fetch(`${server.url}/connexion`);
    const csp = page.headers.get('content-security-policy') ?? '';
    report(engine, 'the Content-Security-Policy', "no 'unsafe-inline' nor 'unsafe-eval'", csp.includes('unsafe-inline') || csp.includes("'unsafe-eval'") ? 'unsafe found' : 'none', !csp.includes('unsafe-inline') && !csp.includes("'unsafe-eval'"));
  } finally {
    await server.stop();
  }
}

async function exportsAndMoves(engine, url, dir) {
  const demo = execFileSync(SERVER, ['demo', '--conseillers', '5', '--par-conseiller', '10', '--accompagnements-compte', '20000'], {
    env: { ...process.env, DATABASE_URL: url, RUST_LOG: 'warn' }, stdio: ['ignore', 'pipe', 'ignore'],
  }).toString();
  const [email, password] = demo.match(/Compte de démonstration : (\S+) — mot de passe : (.+)/).slice(1);
  const server = await start(url, dir, { TRUSTED_PROXY_HEADER: PROXY_HEADER });
  try {
    const login = await post(server, '/api/session', { email, password: password.trim() }, from('10.50.0.1'));
    const cookie = login.headers.get('set-cookie').split(';')[0];
    await new Promise((r) => setTimeout(r, 500));
    const rest = server.rss();
    let peak = rest;
    const watch = setInterval(() => { peak = Math.max(peak, server.rss()); }, 20);
    const started = performance.now();
    const sizes = await Promise.all(['/api/moi/donnees.json', '/api/moi/donnees.csv', '/api/moi/donnees.json', '/api/moi/donnees.csv']
      .map(async (path) => (await (await fetch(`${server.url}${path}`, { headers: { cookie } })).arrayBuffer()).byteLength));
    clearInterval(watch);
    report(engine, '4 exports of 20,000 records at once', 'RSS ≤ 100 MB over rest',
      `${sizes.map((s) => `${(s / 1e6).toFixed(1)} MB`).join(', ')} in ${((performance.now() - started) / 1000).toFixed(1)} s; RSS ${rest.toFixed(0)} → peak ${peak.toFixed(0)} MB`, peak - rest <= 100);

    const other = await account(server, 'voisine@exemple.fr');
    const profile = await (await fetch(`${server.url}/api/moi`, { headers: { cookie } })).json();
    const moves = [];
    const saves = [];
    const moving = (async () => {
      for (let n = 0; n < 6; n++) {
        const departement = n % 2 ? '69' : '38';
        const commune = n % 2 ? { insee: '69123', nom: 'Lyon', code_postal: '69001' } : { insee: '38185', nom: 'Grenoble', code_postal: '38000' };
        const t0 = performance.now();
        const r = await fetch(`${server.url}/api/moi`, {
          method: 'PUT', headers: { 'content-type': 'application/json', cookie },
          body: JSON.stringify({ prenom: profile.prenom, nom: profile.nom, structure: profile.structure, commune, departement }),
        });
        moves.push([r.status, Math.round(performance.now() - t0)]);
      }
    })();
    const saving = (async () => {
      for (let n = 0; n < 25; n++) {
        saves.push((await fetch(`${server.url}/api/accompagnements`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: other }, body: JSON.stringify(record()) })).status);
      }
    })();
    await Promise.all([moving, saving]);
    report(engine, "6 moves of a 20,000-record account during another's 25 saves", 'every save 200',
      `moves ${moves.map(([s, ms]) => `${s}/${ms} ms`).join(' ')}; saves ${count(saves)}`, saves.every((s) => s === 200) && moves.every(([s]) => s === 200));
  } finally {
    await server.stop();
  }
}

async function twoServers(url, dir) {
  const a = await start(url, join(dir), { TRUSTED_PROXY_HEADER: PROXY_HEADER });
  const b = await start(url, join(dir), { TRUSTED_PROXY_HEADER: PROXY_HEADER });
  try {
    await account(a, 'victime@exemple.fr');
    const statuses = [];
    for (let n = 0; n < 10; n++) {
      const server = n % 2 ? b : a;
      statuses.push((await post(server, '/api/session', { email: 'victime@exemple.fr', password: 'mauvais mot de passe !' }, from('198.51.100.9'))).status);
    }
    const owner = (await post(b, '/api/session', { email: 'victime@exemple.fr', password: PASSWORD }, from('203.0.113.9'))).status;
    report('two servers, one Postgres', 'wrong passwords alternating between the servers', '5 checked in all, then 429; the owner logs in',
      `${count(statuses)}; owner ${owner}`, statuses.slice(0, 5).every((s) => s === 401) && statuses.slice(5).every((s) => s === 429) && owner === 200);
  } finally {
    await a.stop();
    await b.stop();
  }
}

const engines = ['sqlite', 'postgres'].filter((e) => !options.only || options.only === e);
for (const engine of engines) {
  for (const run of [connections, passwords, hygiene, exportsAndMoves].filter((r) => !options.part || r.name === options.part)) {
    const dir = mkdtempSync(join(tmpdir(), `conum-attacks-${engine}-`));
    try {
      await run(engine, database(engine, dir), dir);
    } catch (error) {
      report(engine, run.name, 'runs', `crashed: ${error.message}`, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
if (!options.only || options.only === 'two-servers') {
  const dir = mkdtempSync(join(tmpdir(), 'conum-attacks-two-'));
  try {
    await twoServers(database('postgres', dir), dir);
  } catch (error) {
    report('two servers, one Postgres', 'twoServers', 'runs', `crashed: ${error.message}`, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log('\n| database | case | expected | observed | |');
console.log('|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.engine} | ${r.name} | ${r.expected} | ${r.observed} | ${r.ok ? '✅' : '❌'} |`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
