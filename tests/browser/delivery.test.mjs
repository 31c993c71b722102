// How the release server delivers the app: no Nagle wait on kept-alive connections, files
// compressed at build time and sent as they are, with the headers caches need.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  startServer, open, bundle, launchBrowser, newPhone, signUp, bytesUntilInteractive, totalBytes,
  createRecord, phoneHoldsSession,
} from './support.mjs';

let server;
before(async () => { server = await startServer(); });
after(() => server?.stop());

/**
 * A first visit of the form: bytes on the wire until it answers taps, within the budget (350
 * KB; BENCHMARKS.md: 346.8 KB measured, the main wasm module 279 KB; the other pages' code is
 * in modules of their own, ui::split). A clean clone elsewhere on the disk builds ~1 KB more
 * (the checkout's path is in the wasm): the margin left is about 2 KB.
 */
const FIRST_VISIT_CEILING = 350_000;

/** GET `path` on `agent`: status, headers and the body's size as sent. */
function get(path, { agent, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { agent, headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => { bytes += chunk.length; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, bytes }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('fifty requests in a row on one kept-alive connection take well under a second', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  await get('/manifest.webmanifest', { agent });
  const start = performance.now();
  for (let i = 0; i < 50; i += 1) {
    const answer = await get('/manifest.webmanifest', { agent });
    assert.equal(answer.status, 200);
  }
  const elapsed = performance.now() - start;
  agent.destroy();
  // With Nagle's algorithm on, each answer waits ~40 ms for a delayed ACK: 2 s in all.
  assert.ok(elapsed < 1000, `50 requests took ${Math.round(elapsed)} ms`);
});

test('the wasm goes out as compressed at build time, brotli or gzip as the browser accepts', async () => {
  const assets = join(bundle, 'public', 'assets');
  const wasm = readdirSync(assets).find((name) => name.startsWith('conum_bg') && name.endsWith('.wasm'));
  const size = (name) => statSync(join(assets, name)).size;

  const br = await get(`/assets/${wasm}`, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
  assert.equal(br.status, 200);
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(br.headers['content-type'], 'application/wasm');
  assert.match(br.headers.vary, /accept-encoding/i);
  assert.match(br.headers['cache-control'], /immutable/);
  assert.equal(br.bytes, size(`${wasm}.br`));

  const gzip = await get(`/assets/${wasm}`, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(gzip.headers['content-encoding'], 'gzip');
  assert.equal(gzip.bytes, size(`${wasm}.gz`));

  const plain = await get(`/assets/${wasm}`, { headers: { 'accept-encoding': 'identity' } });
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.bytes, size(wasm));

  // The compressed copies are not files of their own (the address is an unknown page).
  assert.match((await get(`/assets/${wasm}.br`)).headers['content-type'], /text\/html/);
});

test('every page module of the wasm is kept by the service worker, so that any page opens offline', async () => {
  const assets = join(bundle, 'public', 'assets');
  const modules = readdirSync(assets).filter((name) => /^module_\d+_[a-z]+-dxh[0-9a-f]+\.wasm$/.test(name));
  // The form is in the main module; the other pages in three (ui::split).
  assert.deepEqual(modules.map((name) => name.split('_')[2].split('-')[0]).sort(), ['chiffres', 'comptes', 'suivi']);
  const text = await new Promise((resolve, reject) => {
    request(`${server.url}/precache-manifest.js`, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve(body));
    }).on('error', reject).end();
  });
  for (const name of modules) assert.ok(text.includes(`"/assets/${name}"`), `${name} not precached`);
});

test('a first visit of the form stays within its 350 KB, without charts, communes, other pages\' code or the contract', async () => {
  const browser = await launchBrowser();
  try {
    const context = await newPhone(browser);
    const page = await context.newPage();
    await signUp(page, server);
    const sizes = await bytesUntilInteractive(page, `${server.url}/`);
    const list = [...sizes].map(([url, bytes]) => `${new URL(url).pathname} ${bytes}`).join('\n');
    assert.ok(totalBytes(sizes) <= FIRST_VISIT_CEILING,
      `${totalBytes(sizes)} bytes before the form answers taps (ceiling ${FIRST_VISIT_CEILING}):\n${list}`);
    // What the form does not need waits: the charts' library, the communes list, the other
    // pages' wasm modules, and the outbox's contract while nothing waits to be sent.
    const early = [...sizes.keys()].filter((url) => /echarts|communes|\/module_|contract\.js/.test(url));
    assert.deepEqual(early, [], list);
  } finally {
    await browser.close();
  }
});

test('the page the server paints is loaded and on screen before the app\'s wasm is asked for', async () => {
  // On one bar of signal the heaviest file must not hold back the page: index.html imports
  // the app's code once the page (its style, its fonts) has loaded and been painted.
  const browser = await launchBrowser();
  try {
    const context = await newPhone(browser);
    const page = await context.newPage();
    await signUp(page, server);
    await open(page, `${server.url}/historique`);
    const order = await page.evaluate(() => {
      const [navigation] = performance.getEntriesByType('navigation');
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
      return { loaded: navigation.loadEventEnd, painted: paint?.startTime, wasm: wasm?.startTime };
    });
    assert.ok(order.wasm !== undefined, 'the wasm was never asked for');
    assert.ok(order.painted !== undefined && order.painted < order.wasm, JSON.stringify(order));
    assert.ok(order.loaded > 0 && order.loaded <= order.wasm, JSON.stringify(order));
  } finally {
    await browser.close();
  }
});

test('the pages a phone keeps hold nothing of the conseiller; the history painted with their records is kept by no cache', async () => {
  // A tablet shared at a counter keeps these pages: they must be the same for everyone.
  const browser = await launchBrowser();
  try {
    const page = await (await newPhone(browser)).newPage();
    await signUp(page, server, undefined, { prenom: 'Albertine', nom: 'Quenouille' });
    await createRecord(page, server, { thematiques: ['fraude'], duree_minutes: 90 });
    // The app runs once: the phone then holds this session (and says so to the server).
    await open(page, `${server.url}/`);
    await phoneHoldsSession(page);
    const personal = ['Albertine', 'Quenouille', 'Médiathèque Jean Macé', '1 accompagnement'];
    // The theme's label is also a button of the form: it tells a record only in the history.
    const record = 'Prévenir les fraudes';
    for (const path of ['/', '/historique', '/statistiques']) {
      // What the service worker keeps: the page asked without the cookie.
      const kept = await (await fetch(`${server.url}${path}`)).text();
      assert.match(kept, /<main/, `${path} is painted with its frame`);
      for (const word of personal) assert.ok(!kept.includes(word), `${path} kept holds "${word}"`);
      if (path === '/historique') assert.ok(!kept.includes(record), 'the kept history lists no record');
      // With the session, only the history is painted with the records, and marked no-store.
      const live = await page.request.get(`${server.url}${path}`);
      const html = await live.text();
      const painted = path === '/historique';
      if (path !== '/') assert.equal(html.includes(record), painted, `${path} with the session`);
      assert.equal(live.headers()['cache-control'] === 'no-store', painted, `${path}'s Cache-Control`);
      for (const word of ['Albertine', 'Quenouille', 'Médiathèque Jean Macé']) {
        assert.ok(!html.includes(word), `${path} holds "${word}"`);
      }
    }
  } finally {
    await browser.close();
  }
});
