// The conseiller's phone, round two (issue 23), at 360×640: what a thumb, a hotel wifi and a
// day of catching up expect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  serverAndBrowser, newPhone, open, signUp, serverRecords, todayInParis, eventually,
  startServer, relay, launchBrowser, createRecord, everyChartDrawn,
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

  // The next save has a confirmation of its own, focused (and so heard) like the first.
  const first = await confirmation.getAttribute('data-record');
  await fillIndividual(page);
  assert.notEqual(await page.evaluate(() => document.activeElement?.id), 'confirmation-saisie');
  await button(page, 'Enregistrer').tap();
  await page.locator(`#confirmation-saisie:not([data-record="${first}"])`).waitFor();
  await eventually(async () => page.evaluate((before) => document.activeElement?.id === 'confirmation-saisie'
    && document.activeElement.dataset.record !== before, first), 2000, 'the second confirmation focused');
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
  const said = page.getByText("Conum s'ouvre désormais sans réseau");
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
  assert.ok(visited.size >= 15, `only ${visited.size} controls reached`);
  assert.deepEqual(covered, [], 'focused controls hidden under something else');
  await context.close();
});

/** What the focused element is, in a few words. */
const focused = (page) => page.evaluate(() => {
  const element = document.activeElement;
  return `${element.tagName.toLowerCase()} ${(element.getAttribute('aria-label') || element.textContent || element.id || '').trim().slice(0, 40)}`;
});

/** Presses Tab until the focus is on something named `name`; returns how many presses. */
async function tabTo(page, name, most = 30) {
  for (let n = 1; n <= most; n++) {
    await page.keyboard.press('Tab');
    if ((await focused(page)).includes(name)) return n;
  }
  throw new Error(`"${name}" not reached in ${most} Tab presses (at ${await focused(page)})`);
}

/** Presses → until the focused tag is `name` (the arrows move inside a row of tags). */
async function arrowTo(page, name) {
  for (let n = 0; n < 15; n++) {
    if ((await focused(page)) === `button ${name}`) return;
    await page.keyboard.press('ArrowRight');
  }
  throw new Error(`"${name}" not reached with the arrows (at ${await focused(page)})`);
}

test('a whole record with the keyboard: one Tab stop per group, the arrows inside, about fifteen presses', async () => {
  const { context, page } = await phoneOnTheForm();
  // Tab from the day: each row of tags is one stop (its chosen tag, else its first).
  await page.getByLabel('Jour de saisie').focus();
  const reached = [];
  while (reached.length <= 40 && reached[reached.length - 1] !== 'button Enregistrer') {
    await page.keyboard.press('Tab');
    reached.push(await focused(page));
  }
  assert.ok(reached.length <= 20, `${reached.length} Tab presses from the day to "Enregistrer": ${reached.join(' | ')}`);

  // The same record as a thumb's, by keyboard only.
  await page.getByLabel('Jour de saisie').focus();
  await tabTo(page, 'Accompagnement individuel');
  await page.keyboard.press('Space');
  await tabTo(page, 'Lieu de rattachement');
  for (const [first, wanted] of [['Moins de 12 ans', 'Plus de 60 ans'], ['Scolarisé(e)', 'Retraité(e)']]) {
    await tabTo(page, first);
    await arrowTo(page, wanted);
    await page.keyboard.press('Space');
    assert.equal(await button(page, wanted).getAttribute('aria-pressed'), 'true');
  }
  await page.keyboard.press('Tab');
  await arrowTo(page, 'Courriels');
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await arrowTo(page, '30 min');
  await page.keyboard.press('Enter');
  await tabTo(page, 'Enregistrer');
  await page.keyboard.press('Enter');
  await page.getByText('Envoyé.').waitFor();
  const [record] = await serverRecords(page, shared.server);
  assert.deepEqual(
    [record.activite, Object.keys(record.ages), Object.keys(record.statuts), record.thematiques, record.duree_minutes],
    ['individuel', ['plus_60'], ['retraite'], ['courriel'], 30],
  );
  await context.close();
});

/** Elements wider than the screen, or past its edges, that no scrolling box of theirs holds. */
const overflowing = (page) => page.evaluate(() => {
  const scrolls = (e) => ['auto', 'scroll', 'hidden'].includes(getComputedStyle(e).overflowX);
  const out = [];
  for (const element of document.querySelectorAll('body *')) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || element.closest('.fr-sr-only')) continue;
    let held = false;
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      if (scrolls(up) && up.getBoundingClientRect().right <= innerWidth + 1) { held = true; break; }
    }
    if (!held && (box.right > innerWidth + 1 || box.left < -1)) {
      out.push(`${element.tagName.toLowerCase()}.${element.className} "${(element.textContent || '').trim().slice(0, 30)}"`);
    }
  }
  return { page: document.documentElement.scrollWidth, screen: innerWidth, out: out.slice(0, 10) };
});

test('text enlarged to 200 % at 360 px: nothing wider than the screen, every tab reachable, a record saved', async () => {
  const { context, page } = await phoneOnTheForm();
  await fillIndividual(page);
  await button(page, 'Enregistrer').tap();
  await page.getByText('Envoyé.').waitFor();
  const [record] = await serverRecords(page, shared.server);
  // The phone's font size setting: the browser's default size, which rem and media queries follow.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: 32, fixed: 26 } });
  for (const [path, heading] of [
    ['/', 'Nouvel accompagnement'],
    ['/historique', 'Mes accompagnements'],
    [`/accompagnements/${record.id}`, 'Accompagnement individuel'],
    ['/statistiques', 'Mes statistiques'],
    ['/statistiques/nationales', 'Statistiques nationales'],
    ['/profil', 'Mon profil'],
  ]) {
    await open(page, `${shared.server.url}${path}`);
    await page.getByRole('heading', { name: heading }).first().waitFor();
    await page.waitForTimeout(500);
    assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize), '32px');
    const found = await overflowing(page);
    assert.ok(found.page <= found.screen && found.out.length === 0, `${path}: ${JSON.stringify(found)}`);
    for (const tab of ['Saisir', 'Historique', 'Statistiques', 'National', 'Profil']) {
      const link = page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: tab, exact: true });
      await link.scrollIntoViewIfNeeded();
      assert.ok(await inView(link), `${path}: the tab "${tab}" can be tapped`);
    }
  }
  // The form still works as a thumb's: a record saved, its confirmation in view.
  await open(page, `${shared.server.url}/`);
  await fillIndividual(page);
  await button(page, 'Enregistrer').scrollIntoViewIfNeeded();
  await button(page, 'Enregistrer').tap();
  const confirmation = page.locator('#confirmation-saisie');
  await confirmation.getByText('Accompagnement enregistré', { exact: true }).waitFor();
  assert.ok(await inView(confirmation.getByRole('button', { name: 'Annuler' })), '"Annuler" is on screen');
  await context.close();
});

test('every control is at least 44 px tall', async () => {
  const { context, page } = await phoneOnTheForm();
  await fillIndividual(page);
  await button(page, 'Enregistrer').tap();
  await page.getByText('Envoyé.').waitFor();
  const [record] = await serverRecords(page, shared.server);
  for (const path of ['/', '/historique', `/accompagnements/${record.id}`, '/statistiques', '/statistiques/nationales', '/profil']) {
    await open(page, `${shared.server.url}${path}`);
    await page.waitForTimeout(500);
    const small = await page.evaluate(() => [...document.querySelectorAll(
      'button, input:not([type=hidden]), select, textarea, summary, a.fr-btn, a.fr-tag, .navigation a, .liste a')]
      .filter((e) => e.getClientRects().length > 0 && !e.closest('.fr-sr-only, [hidden]'))
      .map((e) => [`${e.tagName.toLowerCase()} "${(e.textContent || e.getAttribute('aria-label') || e.id).trim().slice(0, 30)}"`, e.getBoundingClientRect().height])
      .filter(([, height]) => height < 43.5)
      .map(([name, height]) => `${name} ${Math.round(height)} px`));
    assert.deepEqual(small, [], `${path}: controls under 44 px`);
  }
  await context.close();
});

test('the home screen shortcuts open their screens offline, "Comme la dernière fois" filled as the last record', async () => {
  await phoneBehindRelay(async ({ front, context, page }) => {
    const manifest = await (await fetch(`${front.url}/manifest.webmanifest`)).json();
    assert.deepEqual(manifest.shortcuts.map((s) => s.name), ['Nouvel accompagnement', 'Comme la dernière fois', 'Mes statistiques']);
    for (const shortcut of manifest.shortcuts) assert.ok(shortcut.icons.length > 0, `${shortcut.name} has an icon`);
    await fillIndividual(page);
    await button(page, 'Enregistrer').tap();
    await page.getByText('Envoyé.').waitFor();
    await open(page, `${front.url}/statistiques`);
    await page.locator('.tuile-chiffre').first().waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready);

    await context.setOffline(true);
    for (const [shortcut, heading] of [
      ['Nouvel accompagnement', 'Nouvel accompagnement'],
      ['Comme la dernière fois', 'Nouvel accompagnement'],
      ['Mes statistiques', 'Mes statistiques'],
    ]) {
      const { url } = manifest.shortcuts.find((s) => s.name === shortcut);
      await page.goto(`${front.url}${url}`);
      await page.locator('html[data-pret="1"]').waitFor();
      await page.getByRole('heading', { name: heading }).waitFor();
    }
    // The last shortcut opened was the statistics; the form as last time:
    await page.goto(`${front.url}/comme-la-derniere-fois`);
    await page.locator('html[data-pret="1"]').waitFor();
    for (const pressed of ['Accompagnement individuel', 'Plus de 60 ans', 'Retraité(e)', 'Courriels', '30 min']) {
      await eventually(async () => (await button(page, pressed).getAttribute('aria-pressed')) === 'true', 5000, `"${pressed}" chosen as last time`);
    }
  });
});

test('at 360 px the charts write whole labels, French numbers and the right legends', async () => {
  const { context, page } = await phoneOnTheForm();
  const today = todayInParis();
  const canals = ['rattachement', 'autre_lieu', 'distance', 'domicile'];
  for (let i = 0; i < 36; i++) {
    const workshop = i % 3 === 0;
    await createRecord(page, shared.server, {
      date: today, canal: canals[i % 9 === 0 ? i % 4 : 0], duree_minutes: [15, 30, 60, 120, 45][i % 5],
      ...(workshop ? { activite: 'collectif', participants: 100, ages: { moins_12: 60, plus_60: 40 }, statuts: { scolarise: 100 } } : {}),
    });
  }
  await open(page, `${shared.server.url}/statistiques`);
  await everyChartDrawn(page);
  const texts = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('.graphique__dessin')].map((element) => {
    const written = [];
    // What ECharts drew, line by line, as drawn (a cut label ends with "…").
    echarts.getInstanceByDom(element).getZr().storage.getDisplayList(true)
      .forEach((shape) => { if (typeof shape.style?.text === 'string' && shape.style.text) written.push(shape.style.text); });
    return [element.id, written];
  })));
  const all = Object.values(texts).flat();
  assert.deepEqual(all.filter((t) => t.includes('…')), [], 'labels cut');
  assert.deepEqual(all.filter((t) => /\d[.,]\d{3}\b|\d\.\d/.test(t)), [], 'English numbers');
  assert.ok(all.some((t) => /\d[\u202f\u00a0 ]\d{3}/.test(t)), `thousands written the French way: ${all.join(' | ')}`);
  assert.ok(texts['graphique-canaux'].includes('À domicile'), 'every lieu in the legend');
  assert.ok(texts['graphique-temps'].some((t) => / h( \d\d)? \(/.test(t)), 'time in hours and minutes');
  for (const [id, legend] of [['graphique-evolution', 'Accompagnements du mois'], ['graphique-evolution-comptes-rendus', 'Comptes rendus du mois']]) {
    assert.ok(texts[id].includes(legend) && texts[id].includes('Cumul'), `${id}: ${texts[id].join(' | ')}`);
  }
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
