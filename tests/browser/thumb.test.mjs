// The conseiller's phone, round two (issue 23), at 360×640: what a thumb, a hotel wifi and a
// day of catching up expect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  serverAndBrowser, newPhone, open, signUp, serverRecords, todayInParis, eventually,
  startServer, relay, launchBrowser,
} from './support.mjs';

const shared = serverAndBrowser();
const PHONE = { width: 360, height: 640 };
const button = (page, name) => page.getByRole('button', { name, exact: true });

async function phoneOnTheForm() {
  const context = await newPhone(shared.browser, PHONE);
  const page = await context.newPage();
  await signUp(page, shared.server);
  await open(page, `${shared.server.url}/`);
  await page.getByRole('heading', { name: 'Nouvel accompagnement' }).waitFor();
  return { context, page };
}

/** Whether the element is wholly inside the screen, and not under something else. */
async function inView(locator) {
  return locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const inside = box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth;
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + Math.min(box.height / 2, 10));
    return inside && (hit === element || element.contains(hit));
  });
}

async function fillIndividual(page) {
  await button(page, 'Accompagnement individuel').tap();
  await button(page, 'Plus de 60 ans').tap();
  await button(page, 'Retraité(e)').tap();
  await button(page, 'Courriels').tap();
  await button(page, '30 min').tap();
}

test('after a save from the bottom of the form, the confirmation and "Annuler" are where the thumb is, focused; the blank form starts at its top', async () => {
  const { context, page } = await phoneOnTheForm();
  await fillIndividual(page);
  await button(page, 'Enregistrer').tap();

  const confirmation = page.locator('#confirmation-saisie');
  await confirmation.getByText('Accompagnement enregistré', { exact: true }).waitFor();
  assert.ok(await inView(confirmation), 'the confirmation is on screen, uncovered');
  assert.ok(await inView(confirmation.getByRole('button', { name: 'Annuler' })), '"Annuler" is on screen');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'confirmation-saisie');
  await eventually(async () => inView(page.getByRole('heading', { name: 'Nouvel accompagnement' })), 2000, 'the form back at its top');
  await context.close();
});

test('"Supprimer" asks its question in the middle of the screen, focused', async () => {
  const { context, page } = await phoneOnTheForm();
  await fillIndividual(page);
  await button(page, 'Enregistrer').tap();
  await page.getByText('Envoyé.').waitFor();
  const [record] = await serverRecords(page, shared.server);
  await open(page, `${shared.server.url}/accompagnements/${record.id}`);
  await button(page, 'Supprimer').tap();

  const question = page.getByRole('alertdialog');
  await question.waitFor();
  assert.ok(await inView(button(page, 'Confirmer la suppression')), 'the confirmation button is on screen');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'alertdialog');
  await context.close();
});

test("yesterday's five records in a row, the day chosen once at the top of the form", async () => {
  const { context, page } = await phoneOnTheForm();
  const yesterday = new Date(Date.parse(`${todayInParis()}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const day = page.getByLabel('Jour de saisie');
  assert.ok(await inView(day), 'the day is at the top of the form');
  await day.fill(yesterday);
  for (let n = 0; n < 5; n++) {
    await fillIndividual(page);
    await button(page, 'Enregistrer').tap();
    await page.locator('#confirmation-saisie').getByText('Accompagnement enregistré', { exact: true }).waitFor();
    await eventually(async () => (await day.inputValue()) === yesterday && inView(day), 3000, `the day kept after record ${n + 1}`);
    await page.getByText('Envoyé.').waitFor();
  }

  await eventually(async () => (await serverRecords(page, shared.server)).length === 5, 5000, 'five records stored');
  const records = await serverRecords(page, shared.server);
  assert.deepEqual(records.map((r) => r.date), Array(5).fill(yesterday));
  await button(page, "Aujourd'hui").tap();
  assert.equal(await day.inputValue(), todayInParis());
  await context.close();
});

/** A phone signed up on the form, talking to its own server through a relay that can play a
 *  captive portal or one bar of signal (`front.intercept`). */
async function phoneBehindRelay(body) {
  const own = { server: await startServer() };
  const front = await relay(own);
  const browser = await launchBrowser();
  try {
    const context = await newPhone(browser, PHONE);
    const page = await context.newPage();
    await signUp(page, front);
    await open(page, `${front.url}/`);
    await page.getByRole('heading', { name: 'Nouvel accompagnement' }).waitFor();
    await body({ front, context, page });
    await context.close();
  } finally {
    await browser.close();
    front.close();
    own.server.stop();
  }
}

test('behind a captive portal the installed app keeps nothing of it and still opens the form offline', async () => {
  await phoneBehindRelay(async ({ front, context, page }) => {
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });

    // The hotel's wifi: every address answered "200 OK" with the portal's page.
    front.intercept(() => true, 'portal');
    await page.reload();
    await page.getByRole('heading', { name: 'Nouvel accompagnement' }).waitFor();
    assert.equal(await page.getByText('Portail Wi-Fi').count(), 0);
    // A file asked behind the portal (not precached) is not kept either.
    await page.evaluate(async () => { await fetch('/favicon.ico'); await fetch('/icons/inconnu.png'); });
    const portalKept = await page.evaluate(async () => {
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
          const text = await (await cache.match(request)).clone().text();
          if (text.includes('Portail Wi-Fi')) return request.url;
        }
      }
      return null;
    });
    assert.equal(portalKept, null, 'a portal page in the cache');

    // Then no network at all: the app opens on its form.
    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: 'Nouvel accompagnement' }).waitFor();
    assert.equal(await page.getByText('Portail Wi-Fi').count(), 0);
  });
});

test('a sent record opens within a second from the phone\'s copy while the server takes 10 s', async () => {
  await phoneBehindRelay(async ({ front, page }) => {
    await fillIndividual(page);
    await button(page, 'Enregistrer').tap();
    await page.getByText('Envoyé.').waitFor();
    await page.getByRole('link', { name: 'Historique' }).tap();
    const line = page.getByRole('link', { name: /Accompagnement individuel/ });
    await line.waitFor();

    // One bar of signal: the record's own request is answered after 10 s.
    front.intercept((req) => req.method === 'GET' && /^\/api\/accompagnements\/[0-9a-f-]{36}$/.test(req.url), 'hold');
    setTimeout(() => front.release(), 10_000);
    const started = Date.now();
    await line.tap();
    await page.getByRole('heading', { name: 'Accompagnement individuel' }).waitFor({ timeout: 5000 });
    const ms = Date.now() - started;
    assert.ok(ms < 1000, `opened after ${ms} ms`);
    assert.equal(await page.getByText('Chargement…').count(), 0);
    await button(page, 'Supprimer').waitFor();
  });
});

test('the phone says once when the app is ready to open without network', async () => {
  const { context, page } = await phoneOnTheForm();
  const said = page.getByText("Prêt hors connexion : Conum s'ouvre désormais même sans réseau.");
  await said.waitFor({ timeout: 30_000 });
  assert.ok(await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.active !== null)));
  await said.waitFor({ state: 'detached', timeout: 15_000 });
  await context.close();
});

test('with the keyboard, no focused control of the form is hidden behind the strip or the tabs', async () => {
  const { context, page } = await phoneOnTheForm();
  await page.getByLabel('Jour de saisie').focus();
  const covered = [];
  const visited = new Set();
  for (let n = 0; n < 80; n++) {
    await page.keyboard.press('Tab');
    const seen = await page.evaluate(() => {
      const element = document.activeElement;
      if (!element || element === document.body) return null;
      const box = element.getBoundingClientRect();
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      return {
        name: `${element.tagName.toLowerCase()} ${(element.textContent || element.getAttribute('aria-label') || element.id || '').trim().slice(0, 30)}`,
        visible: hit === element || element.contains(hit) || (hit !== null && hit.contains(element) && hit.tagName === 'LABEL'),
      };
    });
    if (seen) visited.add(seen.name);
    if (seen && !seen.visible) covered.push(seen.name);
  }
  assert.ok(visited.size >= 30, `only ${visited.size} controls reached`);
  assert.deepEqual(covered, [], 'focused controls hidden under something else');
  await context.close();
});

test('screenshots of every screen at 360×640', { skip: !process.env.UPDATE_SCREENSHOTS }, async () => {
  const { context, page } = await phoneOnTheForm();
  const shot = (name) => page.screenshot({ path: `docs/screenshots/${name}-360x640.png` });
  await fillIndividual(page);
  await button(page, 'Enregistrer').tap();
  await page.getByText('Envoyé.').waitFor();
  await shot('saisie-confirmation');
  const [record] = await serverRecords(page, shared.server);
  for (const [name, path, ready] of [
    ['historique', '/historique', 'Mes accompagnements'],
    ['detail', `/accompagnements/${record.id}`, 'Accompagnement individuel'],
    ['modifier', `/accompagnements/${record.id}/modifier`, "Modifier l'accompagnement"],
    ['statistiques', '/statistiques', 'Mes statistiques'],
    ['nationales', '/statistiques/nationales', 'Statistiques nationales'],
    ['profil', '/profil', 'Mon profil'],
  ]) {
    await open(page, `${shared.server.url}${path}`);
    await page.getByRole('heading', { name: ready }).first().waitFor();
    await page.waitForTimeout(300);
    await shot(name);
  }
  const visitor = await (await newPhone(shared.browser, PHONE)).newPage();
  for (const [name, path] of [['connexion', '/connexion'], ['inscription', '/inscription'], ['mot-de-passe-oublie', '/mot-de-passe-oublie']]) {
    await open(visitor, `${shared.server.url}${path}`);
    await visitor.waitForTimeout(300);
    await visitor.screenshot({ path: `docs/screenshots/${name}-360x640.png` });
  }
  await context.close();
});
