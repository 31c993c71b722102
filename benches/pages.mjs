// Benchmark (not a test): what a first visit costs on a phone, logged in.
// - Lighthouse 12.2.3, its default mobile profile (slow 4G, CPU 4× slower), on /, /historique
//   and /statistiques: performance score, LCP, TBT, accessibility and best practices, bytes.
// - The first visit of / in Chromium: every byte on the wire until the page answers taps
//   (html[data-pret]), file by file; then a repeat visit (service worker) and its bytes.
// - Tap on "Enregistrer" → "Accompagnement enregistré", CPU 4× slower, online and offline.
// Lighthouse is installed on first use into target/lighthouse (npm; it needs Node 18+).
// Run with scripts/bench.sh pages (BENCH_RUNS runs each, BENCH_TAPS taps, BENCH_PAGES=/historique
// for some pages only, BENCH_LIGHTHOUSE=0 without Lighthouse, BENCH_DETAILS=1 for each run's
// long tasks, each page's largest-paint candidates and layout shifts; logged in as the
// demonstration account of a `conum demo` database — a year of records, 60 other
// conseillers — with the national page, or with BENCH_DEMO=0 as a new account with 40
// records this month).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startServer, launchBrowser, newPhone, open, signUp, root, bytesUntilInteractive, totalBytes,
  createRecord, todayInParis, phoneHoldsSession,
} from '../tests/browser/support.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TAPS = Number(process.env.BENCH_TAPS ?? 10);
const LIGHTHOUSE_DIR = join(root, 'target', 'lighthouse');
const LIGHTHOUSE = join(LIGHTHOUSE_DIR, 'node_modules', '.bin', 'lighthouse');

function lighthouseInstalled() {
  if (existsSync(LIGHTHOUSE)) return;
  mkdirSync(LIGHTHOUSE_DIR, { recursive: true });
  console.error('installing lighthouse@12.2.3 into target/lighthouse');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', LIGHTHOUSE_DIR, 'lighthouse@12.2.3'], { stdio: 'inherit' });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** One Lighthouse run; a run Lighthouse itself gives up on (it happens: "Something went wrong
 * with recording the trace") is made again, up to three times. */
function lighthouse(url, cookies, attempts = 3) {
  try {
    return lighthouseOnce(url, cookies);
  } catch (error) {
    if (attempts <= 1) throw error;
    console.error(`${url}: Lighthouse failed (${String(error.stderr ?? error).slice(0, 120)}), again`);
    return lighthouse(url, cookies, attempts - 1);
  }
}

function lighthouseOnce(url, cookies) {
  const out = execFileSync('node', [join(root, 'benches', 'lighthouse.mjs'), LIGHTHOUSE_DIR, url, JSON.stringify(cookies)],
    { env: { ...process.env, CHROME_PATH: process.env.CHROMIUM ?? '/usr/bin/chromium' }, maxBuffer: 64 << 20 });
  const report = JSON.parse(out.toString());
  // A run whose trace Lighthouse could not read has no score (it happens now and then, e.g.
  // "NO_LCP"): made again like a run that failed outright.
  if (report.categories.performance.score === null) {
    const why = report.runtimeError?.code ?? report.audits['largest-contentful-paint']?.errorMessage;
    throw new Error(`no performance score (${why ?? 'no reason given'})`);
  }
  const audit = (id) => report.audits[id].numericValue;
  // The largest paint as Lighthouse saw it, before its simulation of a slow phone on 4G
  // (which paintsOf explains).
  const observed = report.audits.metrics?.details?.items?.[0]?.observedLargestContentfulPaint;
  console.error(`${url}: largest paint observed at ${observed?.toFixed(0)} ms`);
  if (process.env.BENCH_DETAILS) {
    // What makes the TBT: the long tasks (script, start, length).
    for (const task of report.audits['long-tasks']?.details?.items ?? []) {
      console.error(`  long task ${task.url} at ${task.startTime.toFixed(0)} ms: ${task.duration.toFixed(0)} ms`);
    }
  }
  return {
    performance: report.categories.performance.score,
    accessibility: report.categories.accessibility.score,
    practices: report.categories['best-practices'].score,
    lcp: audit('largest-contentful-paint'),
    tbt: audit('total-blocking-time'),
    fcp: audit('first-contentful-paint'),
    cls: audit('cumulative-layout-shift'),
    si: audit('speed-index'),
    bytes: audit('total-byte-weight'),
  };
}

/** What the browser itself reports for a page opened logged in (unthrottled): each
 * largest-contentful-paint candidate and each layout shift, with the elements concerned. */
async function paintsOf(browser, url, cookies) {
  // Lighthouse's phone: a Moto G Power's screen.
  const context = await newPhone(browser, { width: 412, height: 823 });
  await context.addCookies(cookies.map(({ name, value }) => ({ name, value, url })));
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.paintsSeen = [];
    const describe = (node) => node ? `${node.nodeName.toLowerCase()}${node.id ? `#${node.id}` : ''}${node.className ? `.${String(node.className).split(' ').join('.')}` : ''} "${(node.textContent ?? '').slice(0, 40)}" (${node.isConnected ? 'in the page' : 'removed'})` : '?';
    new PerformanceObserver((list) => list.getEntries().forEach((e) => window.paintsSeen.push(
      `LCP candidate at ${e.startTime.toFixed(0)} ms, ${e.size} px²: ${describe(e.element)}`))).observe({ type: 'largest-contentful-paint', buffered: true });
    new PerformanceObserver((list) => list.getEntries().forEach((e) => window.paintsSeen.push(
      `layout shift ${e.value.toFixed(3)} at ${e.startTime.toFixed(0)} ms: ${e.sources.map((s) => describe(s.node)).join(', ')}`))).observe({ type: 'layout-shift', buffered: true });
  });
  await open(page, url);
  await page.waitForTimeout(3000);
  for (const line of await page.evaluate(() => window.paintsSeen)) console.error(`  ${url}: ${line}`);
  await context.close();
}

/** The first visit of / until interactive (bytes by file), then a repeat visit's bytes. */
async function firstVisit(browser, server) {
  const context = await newPhone(browser);
  const page = await context.newPage();
  await signUp(page, server);
  const interactive = await bytesUntilInteractive(page, `${server.url}/`);
  // Repeat visit, once the service worker has everything.
  await page.waitForFunction(() => navigator.serviceWorker?.controller, null, { timeout: 60_000 }).catch(() => {});
  await page.waitForTimeout(3000);
  const repeatFiles = await bytesUntilInteractive(page, `${server.url}/`);
  await context.close();
  return { interactive, repeat: totalBytes(repeatFiles), repeatFiles };
}

/** Tap → confirmation on the form, CPU 4× slower, `TAPS` times (a fresh form each time). */
async function tapToConfirmation(browser, server, offline) {
  const context = await newPhone(browser);
  const page = await context.newPage();
  await signUp(page, server);
  await open(page, `${server.url}/`);
  // The network drops once the conseiller's page is there (their name in the header).
  await page.locator('.bandeau .qui').waitFor();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  if (offline) await context.setOffline(true);
  // TAPS saves in a row on the same form, as at a counter: the tenth carries what the nine
  // before left behind (the outbox, the history kept on the phone, the form's state).
  const samples = [];
  for (let i = 0; i < TAPS; i += 1) {
    for (const name of ['Accompagnement individuel', 'Plus de 60 ans', 'Retraité(e)', 'Courriels', '30 min']) {
      await page.getByRole('button', { name, exact: true }).tap();
    }
    // Timed inside the page from the finger: the `pointerdown` of a real touch (the DevTools
    // protocol's, through Playwright's tap) to the frame after the confirmation names a new
    // record. A save that never confirms fails the run with what the page shows instead.
    const timing = page.evaluate(() => new Promise((resolve, reject) => {
      const button = document.querySelector('button.enregistrer');
      const before = document.querySelector('#confirmation-saisie')?.dataset.record;
      const giveUp = setTimeout(() => reject(new Error(`no confirmation: ${document.querySelector('main')?.innerText.slice(0, 400)}`)), 10_000);
      button.addEventListener('pointerdown', (down) => {
        const shown = () => {
          const confirmation = document.querySelector('#confirmation-saisie');
          return confirmation && confirmation.dataset.record !== before
            && confirmation.textContent.includes('Accompagnement enregistré');
        };
        const seen = new MutationObserver(() => {
          if (!shown()) return;
          seen.disconnect();
          clearTimeout(giveUp);
          requestAnimationFrame(() => resolve(performance.now() - down.timeStamp));
        });
        seen.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
      }, { once: true });
    }));
    await page.locator('button.enregistrer').tap();
    samples.push(await timing);
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  await cdp.detach();
  await context.setOffline(false);
  await context.close();
  return samples;
}

/**
 * Forty varied records this month, so that the history has days to list and the statistics
 * every chart to draw (an empty account would measure the empty pages).
 */
async function seedMonth(page, server) {
  const today = todayInParis();
  const ages = ['moins_12', 'de_12_a_18', 'de_18_a_35', 'de_35_a_60', 'plus_60'];
  const statuts = ['scolarise', 'sans_emploi', 'en_emploi', 'retraite', 'non_renseigne'];
  const themes = ['equipement', 'internet', 'courriel', 'smartphone', 'demarche', 'securite', 'fraude', 'budget'];
  for (let i = 0; i < 40; i += 1) {
    const day = String(1 + (i % Number(today.slice(8, 10)))).padStart(2, '0');
    await createRecord(page, server, {
      date: `${today.slice(0, 8)}${day}`,
      ages: { [ages[i % ages.length]]: 1 },
      statuts: { [statuts[(i * 3) % statuts.length]]: 1 },
      thematiques: [themes[i % themes.length], themes[(i * 5 + 1) % themes.length]].filter((t, k, all) => all.indexOf(t) === k),
      duree_minutes: [15, 30, 45, 60, 90][i % 5],
    });
  }
}

/** A `conum demo` database in a folder of its own; its URL and the demonstration login. */
function demoDatabase() {
  const dir = mkdtempSync(join(tmpdir(), 'conum-bench-demo-'));
  const url = `sqlite://${dir}/demo.db?mode=rwc`;
  const out = execFileSync(join(root, 'dist', 'server'), ['demo'], { env: { ...process.env, DATABASE_URL: url, RUST_LOG: 'warn' } }).toString();
  const [, email, password] = /Compte de démonstration : (\S+) — mot de passe : (\S+)/.exec(out);
  return { url, email, password };
}

const demo = process.env.BENCH_DEMO === '0' ? null : demoDatabase();
const server = await startServer(demo ? { DATABASE_URL: demo.url } : {});
const browser = await launchBrowser();
try {
  const cookiePage = await (await browser.newContext()).newPage();
  if (demo) {
    const login = await cookiePage.request.post(`${server.url}/api/session`, { data: { email: demo.email, password: demo.password } });
    if (login.status() !== 200) throw new Error(`demo login: ${login.status()}`);
  } else {
    await signUp(cookiePage, server);
    await seedMonth(cookiePage, server);
  }
  // The app runs once, as after a login: the phone holds the session (its cookie says so).
  await open(cookiePage, `${server.url}/`);
  await phoneHoldsSession(cookiePage);
  const cookies = (await cookiePage.context().cookies()).map(({ name, value }) => ({ name, value }));

  const visit = await firstVisit(browser, server);
  const total = totalBytes(visit.interactive);
  console.log(`\nFirst visit of / until interactive: ${(total / 1000).toFixed(0)} KB on the wire; repeat visit: ${visit.repeat} bytes`);
  for (const [url, bytes] of visit.repeatFiles) if (bytes > 0) console.log(`  repeat visit: ${url} ${bytes} B`);
  console.log('\n| file | bytes on the wire |\n|---|---|');
  for (const [url, bytes] of [...visit.interactive].sort((a, b) => b[1] - a[1])) {
    console.log(`| ${new URL(url).pathname} | ${bytes} |`);
  }

  for (const offline of TAPS > 0 ? [false, true] : []) {
    const samples = await tapToConfirmation(browser, server, offline);
    console.log(`\nTap on "Enregistrer" (from the finger) → confirmation painted, CPU 4× slower, ${offline ? 'offline' : 'online'}, ${samples.length} saves in a row: median ${median(samples).toFixed(0)} ms, max ${Math.max(...samples).toFixed(0)} ms, the last ${samples[samples.length - 1].toFixed(0)} ms`);
    console.log(`  each: ${samples.map((ms) => ms.toFixed(0)).join(', ')} ms`);
  }

  if (process.env.BENCH_LIGHTHOUSE === '0') process.exit(0);
  lighthouseInstalled();
  console.log(`\nLighthouse 12.2.3, mobile, logged in (median of ${RUNS} runs)\n`);
  console.log('| page | performance | LCP | TBT | FCP | CLS | speed index | accessibility | best practices | bytes |\n|---|---|---|---|---|---|---|---|---|---|');
  const paths = process.env.BENCH_PAGES?.split(',')
    ?? ['/', '/historique', '/statistiques', ...(demo ? ['/statistiques/nationales'] : [])];
  for (const path of paths) {
    if (process.env.BENCH_DETAILS) await paintsOf(browser, `${server.url}${path}`, cookies);
    const runs = [];
    for (let i = 0; i < RUNS; i += 1) runs.push(lighthouse(`${server.url}${path}`, cookies));
    const m = (key) => median(runs.map((r) => r[key]));
    for (const [n, r] of runs.entries()) {
      console.log(`| \`${path}\` run ${n + 1} | ${r.performance.toFixed(2)} | ${(r.lcp / 1000).toFixed(1)} s | ${r.tbt.toFixed(0)} ms | ${(r.fcp / 1000).toFixed(1)} s | ${r.cls.toFixed(3)} | ${(r.si / 1000).toFixed(1)} s | ${r.accessibility.toFixed(2)} | ${r.practices.toFixed(2)} | ${(r.bytes / 1024).toFixed(0)} KiB |`);
    }
    console.log(`| \`${path}\` median | ${m('performance').toFixed(2)} | ${(m('lcp') / 1000).toFixed(1)} s | ${m('tbt').toFixed(0)} ms | ${(m('fcp') / 1000).toFixed(1)} s | ${m('cls').toFixed(3)} | ${(m('si') / 1000).toFixed(1)} s | ${m('accessibility').toFixed(2)} | ${m('practices').toFixed(2)} | ${(m('bytes') / 1024).toFixed(0)} KiB |`);
  }
} finally {
  await browser.close();
  server.stop();
}
