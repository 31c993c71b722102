// Issue 8's proofs, tried as the field does it: one bar of signal (a port that accepts and
// never answers), a captive portal, a tablet shared at a France Services counter, changes
// made while the previous one is still on its way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  startServer, launchBrowser, newPhone, open, signUp, signUpElsewhere, recordsOf, logInOnThePage,
  withOwnServer, eventually, relay, creates, blackHole, todayInParis, uuidv7, createRecord,
  saveAndConfirm, phoneStores,
} from './support.mjs';

const button = (page, name) => page.getByRole('button', { name, exact: true });

async function recordIndividual(page, { theme, duree }) {
  await button(page, 'Accompagnement individuel').tap();
  await button(page, 'Plus de 60 ans').tap();
  await button(page, 'Retraité(e)').tap();
  await button(page, theme).tap();
  await button(page, duree).tap();
  await saveAndConfirm(page);
}

async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
}


test('on a network that accepts and never answers, the form opens within 5 s and a record made there lands once the server is back', async () => {
  await withOwnServer(async ({ own, page, email }) => {
    await page.getByRole('heading', { name: 'Nouvel accompagnement' }).waitFor();
    await own.server.halt();
    const hole = await blackHole(own.server.port);

    const asked = Date.now();
    await page.reload({ waitUntil: 'commit' });
    await button(page, 'Accompagnement individuel').waitFor();
    await page.locator('html[data-pret="1"]').waitFor();
    const opened = Date.now() - asked;

    assert.ok(opened < 5000, `the form opened after ${opened} ms`);
    await recordIndividual(page, { theme: 'Courriels', duree: '30 min' });
    await page.getByText('Pas de connexion : il sera envoyé dès son retour.').waitFor({ timeout: 15_000 });
    await page.getByText(/Hors connexion/).first().waitFor({ timeout: 15_000 });
    await page.getByText("1 en attente d'envoi").waitFor();

    await hole.close();
    own.server = await own.server.restart();
    await button(page, 'Réessayer').tap();
    await page.getByText("1 en attente d'envoi").waitFor({ state: 'detached', timeout: 20_000 });
    const items = await recordsOf(own.server, email);
    assert.equal(items.length, 1);
    assert.equal(items[0].duree_minutes, 30);
  });
});

test('a shared phone: A\'s offline record never reaches B, lands in A\'s account when A is back, and nothing of A shows after logout', async () => {
  await withOwnServer(async ({ own, page, email: emailA }) => {
    const emailB = await signUpElsewhere(own.server, { prenom: 'Dominique', nom: 'Bernard' });
    await recordIndividual(page, { theme: 'Courriels', duree: '15 min' });
    await page.getByText('Envoyé.').waitFor();

    await own.server.halt();
    await recordIndividual(page, { theme: 'Santé', duree: '45 min' });
    await page.getByText('Pas de connexion : il sera envoyé dès son retour.').waitFor();
    await page.getByRole('link', { name: 'Profil' }).tap();
    await button(page, 'Se déconnecter').tap();
    await page.getByRole('heading', { name: 'Se connecter' }).waitFor();

    // Offline after logout, nothing of A shows, whatever the address.
    for (const path of ['/', '/historique', '/statistiques', '/profil']) {
      await page.goto(`${own.server.url}${path}`);
      await page.getByRole('heading', { name: 'Se connecter' }).waitFor();
      const text = await page.locator('body').innerText();
      assert.ok(!/Camille|Martin|Santé|Courriels/.test(text), `${path} shows: ${text}`);
    }
    await page.getByText(/1 accompagnement\(s\) saisi\(s\) sur ce téléphone attendent/).waitFor();
    const afterLogout = await phoneStores(page);
    assert.deepEqual(afterLogout.kept, []);
    assert.equal(afterLogout.outbox.length, 1);
    assert.equal(afterLogout.meta[0].owner, null);

    // B logs in on the same phone, online: B's account gets nothing of A.
    own.server = await own.server.restart();
    await logInOnThePage(page, emailB);
    await page.getByText('Dominique Bernard').waitFor();
    await page.getByRole('link', { name: 'Historique' }).tap();
    await page.getByText('Aucun accompagnement sur cette période.').waitFor();
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await page.locator('.en-attente').count(), 0);
    assert.deepEqual(await recordsOf(own.server, emailB), []);
    assert.equal((await recordsOf(own.server, emailA)).length, 1);

    // A is back: A's record goes to A.
    await page.getByRole('link', { name: 'Profil' }).tap();
    await button(page, 'Se déconnecter').tap();
    await page.getByRole('heading', { name: 'Se connecter' }).waitFor();
    await logInOnThePage(page, emailA);
    await page.getByText('Camille Martin').waitFor();
    await eventually(async () => (await recordsOf(own.server, emailA)).length === 2, 20_000, "A's record in A's account");
    const themes = (await recordsOf(own.server, emailA)).map((r) => r.thematiques[0]).sort();
    assert.deepEqual(themes, ['courriel', 'sante']);
    assert.deepEqual(await recordsOf(own.server, emailB), []);
  });
});

test('the history comes painted by the server with the session\'s records, and no cache of the phone keeps that page', async () => {
  await withOwnServer(async ({ own, page, context, browser }) => {
    const record = await createRecord(page, own.server, { thematiques: ['sante'], duree_minutes: 45 });
    const line = (p) => p.locator(`a[href="/accompagnements/${record.id}"]`);

    // Before any script: the list is in the page itself.
    const bare = await browser.newContext({ javaScriptEnabled: false, storageState: await context.storageState() });
    const html = await bare.newPage();
    await html.goto(`${own.server.url}/historique`);
    await html.getByText('1 compte rendu', { exact: true }).waitFor();
    await line(html).waitFor();
    await bare.close();

    // Through the service worker: shown, hydrated, and kept nowhere but in the phone's copy.
    await open(page, `${own.server.url}/historique`);
    await line(page).waitFor();
    await page.getByRole('link', { name: 'Saisir' }).tap();
    await page.getByRole('link', { name: 'Historique' }).tap();
    await line(page).waitFor();
    const pagesKept = await page.evaluate(async () => {
      const texts = [];
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
          const response = await cache.match(request);
          if ((response.headers.get('content-type') ?? '').includes('text/html')) texts.push(await response.text());
        }
      }
      return texts;
    });
    assert.ok(pagesKept.some((text) => text.includes('Mes accompagnements')), 'the history\'s frame is kept');
    assert.ok(pagesKept.every((text) => !text.includes(record.id)), 'no kept page holds a record');

    // Offline, the page opens from its frame and the phone's copy.
    await own.server.halt();
    await page.goto(`${own.server.url}/historique`);
    await page.getByText('Hors connexion : voici les derniers accompagnements gardés sur ce téléphone.').waitFor();
    await line(page).waitFor();

    // On a network that accepts and never answers: the kept list shows while the server is
    // asked (the page after the worker's 3 s), the offline notice when the request gives up.
    const hole = await blackHole(own.server.port);
    try {
      const asked = Date.now();
      await page.goto(`${own.server.url}/historique`, { waitUntil: 'commit' });
      await line(page).waitFor();
      const shown = Date.now() - asked;
      assert.ok(shown < 5000, `the kept list showed after ${shown} ms`);
      await page.getByText('Hors connexion : voici les derniers accompagnements gardés sur ce téléphone.').waitFor({ timeout: 15_000 });
      await line(page).waitFor();
    } finally {
      await hole.close();
    }
  });
});

test('on a network that never answers, the statistics show the figures kept on the phone while the server is asked', async () => {
  await withOwnServer(async ({ own, page }) => {
    await createRecord(page, own.server, { date: todayInParis() });
    await createRecord(page, own.server, { date: todayInParis() });
    const records = page.locator('.tuile-chiffre', { hasText: 'Comptes rendus' }).locator('.tuile-chiffre__valeur');
    const slow = page.getByText('Connexion lente : derniers chiffres chargés sur ce téléphone, en attendant le serveur.');
    await page.goto(`${own.server.url}/statistiques`);
    assert.equal(await records.textContent(), '2');
    // A server that answers at once: its figures, no notice.
    assert.equal(await slow.count(), 0);

    await own.server.halt();
    const hole = await blackHole(own.server.port);
    try {
      const asked = Date.now();
      await page.goto(`${own.server.url}/statistiques`, { waitUntil: 'commit' });
      await slow.waitFor({ timeout: 10_000 });
      const shown = Date.now() - asked;
      // The worker gives the network 3 s for the page, the page 1.5 s for the figures.
      assert.ok(shown < 7000, `the kept figures showed after ${shown} ms`);
      assert.equal(await records.textContent(), '2');
      await page.getByText('Hors connexion : derniers chiffres chargés sur ce téléphone.').waitFor({ timeout: 15_000 });
      assert.equal(await records.textContent(), '2');

      // Another period: the phone's figures are not its own, so none show while asking.
      await page.goto(`${own.server.url}/statistiques?du=2026-01-01&au=2026-01-31`, { waitUntil: 'commit' });
      await page.getByText('Hors connexion : derniers chiffres chargés sur ce téléphone.').waitFor({ timeout: 20_000 });
      assert.equal(await slow.count(), 0);
    } finally {
      await hole.close();
    }
  }, { path: '/statistiques' });
});

test('after a logout made offline, the server paints no page with A\'s records until it hears of the logout', async () => {
  await withOwnServer(async ({ own, page, context, email: emailA }) => {
    const record = await createRecord(page, own.server, { thematiques: ['sante'] });
    const painted = async () => (await page.request.get(`${own.server.url}/historique`)).text();
    assert.ok((await painted()).includes(record.id), 'painted while the phone holds the session');

    await own.server.halt();
    // The login page tries once to tell the server of the logout: that attempt must fail (the
    // server is down), not reach the restarted server first.
    const logoutTried = new Promise((tried) => {
      page.route('**/api/session', (route) => {
        if (route.request().method() !== 'DELETE') return route.continue();
        tried();
        return route.abort('connectionrefused');
      });
    });
    await page.getByRole('link', { name: 'Profil' }).tap();
    await button(page, 'Se déconnecter').tap();
    await page.getByRole('heading', { name: 'Se connecter' }).waitFor();
    await logoutTried;
    own.server = await own.server.restart();

    // The session cookie still works (the server has not heard of the logout)…
    const cookies = (await context.cookies()).map((c) => c.name);
    assert.ok(cookies.includes('conum_session'), cookies.join(', '));
    assert.equal((await page.request.get(`${own.server.url}/api/moi`)).status(), 200);
    // …but the page the next person opens holds nothing of A.
    const html = await painted();
    assert.ok(!html.includes(record.id), 'the history holds A\'s record');
    assert.ok(html.includes('Chargement…'));
    assert.equal((await recordsOf(own.server, emailA)).length, 1);
  });
});

test('when A\'s session ends behind the app\'s back and B\'s cookie arrives, A\'s changes stay sealed and the server refuses them for B', async () => {
  await withOwnServer(async ({ own, page, context, email: emailA }) => {
    const emailB = await signUpElsewhere(own.server, { prenom: 'Dominique', nom: 'Bernard' });
    await own.server.halt();
    await recordIndividual(page, { theme: 'Santé', duree: '1 h' });
    await page.getByText('Pas de connexion : il sera envoyé dès son retour.').waitFor();
    own.server = await own.server.restart();
    // B logs in in this browser without the app knowing (another tool, a stale tab).
    await context.clearCookies();
    const login = await page.request.post(`${own.server.url}/api/session`, { data: { email: emailB, password: 'une phrase de passe solide' } });
    assert.equal(login.status(), 200);

    await page.evaluate(async () => (await import('/outbox.js')).flush((await import('/contract.js')).CONTRACT));

    // Within two send deadlines (8 s each): the flush asked here may wait behind one the app
    // or the service worker started as the server came back (one run in about twenty did).
    await page.getByRole('heading', { name: 'Se connecter' }).waitFor({ timeout: 30_000 });
    await page.getByText('Votre session a expiré : reconnectez-vous.').waitFor();
    assert.deepEqual(await recordsOf(own.server, emailB), []);
    assert.deepEqual((await phoneStores(page)).kept, []);
    await logInOnThePage(page, emailA);
    await eventually(async () => (await recordsOf(own.server, emailA)).length === 1, 20_000, "A's record in A's account");
  });
});

test('an edit and an undo made while the create is still on its way both reach the server, in order', async () => {
  const own = { server: await startServer() };
  const front = await relay(own);
  const browser = await launchBrowser();
  try {
    const context = await newPhone(browser);
    const page = await context.newPage();
    await signUp(page, front);
    await open(page, `${front.url}/`);
    await controlled(page);

    // Edit while sending: the create's answer is held back, the record is changed meanwhile.
    front.intercept(creates, 'hold');
    await recordIndividual(page, { theme: 'Courriels', duree: '30 min' });
    await eventually(async () => front.held() === 1, 5000, 'the create on its way');
    await page.getByRole('link', { name: 'Historique' }).tap();
    await page.locator('.accompagnement--en-attente').getByRole('link').tap();
    await page.getByRole('link', { name: 'Modifier' }).tap();
    await button(page, '2 h').tap();
    await button(page, 'Enregistrer les modifications').tap();
    await page.getByText('2 h', { exact: true }).waitFor();
    front.release();
    await eventually(async () => (await page.locator('.en-attente').count()) === 0, 20_000, 'outbox emptied');
    let stored = (await (await page.request.get(`${front.url}/api/accompagnements`)).json()).items;
    assert.equal(stored.length, 1);
    assert.equal(stored[0].duree_minutes, 120);

    // Undo while sending: "Annuler" while the create's answer is held back.
    await page.getByRole('link', { name: 'Saisir' }).tap();
    front.intercept(creates, 'hold');
    await recordIndividual(page, { theme: 'Santé', duree: '15 min' });
    await eventually(async () => front.held() === 1, 5000, 'the create on its way');
    await button(page, 'Annuler').tap();
    await page.getByText("Saisie annulée : l'accompagnement est supprimé.").waitFor();
    front.release();
    await eventually(async () => (await page.locator('.en-attente').count()) === 0, 20_000, 'outbox emptied');
    await new Promise((r) => setTimeout(r, 500));
    stored = (await (await page.request.get(`${front.url}/api/accompagnements`)).json()).items;
    assert.deepEqual(stored.map((r) => r.thematiques[0]), ['courriel']);
    await context.close();
  } finally {
    await browser.close();
    front.close();
    own.server.stop();
  }
});

test('a captive portal answering "200 OK" with its own page leaves the change in the outbox until the real server has it', async () => {
  const own = { server: await startServer() };
  const front = await relay(own);
  const browser = await launchBrowser();
  try {
    const context = await newPhone(browser);
    const page = await context.newPage();
    await signUp(page, front);
    await open(page, `${front.url}/`);
    await controlled(page);
    front.intercept(creates, 'portal');

    await recordIndividual(page, { theme: 'Démarche en ligne', duree: '45 min' });

    await page.getByText('Pas de connexion : il sera envoyé dès son retour.').waitFor();
    await page.getByText("1 en attente d'envoi").waitFor();
    const stored = (await (await page.request.get(`${front.url}/api/accompagnements`)).json()).items;
    assert.deepEqual(stored, []);
    front.release();
    await page.evaluate(async () => (await import('/outbox.js')).flush((await import('/contract.js')).CONTRACT));
    await page.getByText("1 en attente d'envoi").waitFor({ state: 'detached', timeout: 20_000 });
    const after = (await (await page.request.get(`${front.url}/api/accompagnements`)).json()).items;
    assert.equal(after.length, 1);
    await context.close();
  } finally {
    await browser.close();
    front.close();
    own.server.stop();
  }
});

test('a change refused for good says why, offers a CSV copy or to give it up, and blocks no other', async () => {
  await withOwnServer(async ({ own, page }) => {
    // Another account already holds a record with this id.
    const emailB = await signUpElsewhere(own.server);
    const taken = uuidv7();
    const login = await fetch(`${own.server.url}/api/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: emailB, password: 'une phrase de passe solide' }),
    });
    const cookie = login.headers.get('set-cookie').split(';')[0];
    const record = {
      id: taken, date: todayInParis(), activite: 'individuel', participants: 1,
      commune: { insee: '69123', nom: 'Lyon', code_postal: '69001' }, canal: 'rattachement',
      ages: { plus_60: 1 }, statuts: { retraite: 1 }, thematiques: ['courriel'], duree_minutes: 30,
    };
    const theirs = await fetch(`${own.server.url}/api/accompagnements`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(record),
    });
    assert.equal(theirs.status, 200);
    // This phone made a record with the same id (a colliding id, an old phone's bug).
    await page.evaluate(async (body) => {
      const { owner } = await (await import('/store.js')).session();
      await (await import('/outbox.js')).enqueue('create', body.id, { ...body, duree_minutes: 90 }, owner);
    }, record);

    await recordIndividual(page, { theme: 'Santé', duree: '15 min' });

    await page.getByText('Envoyé.').waitFor();
    const mine = (await (await page.request.get(`${own.server.url}/api/accompagnements`)).json()).items;
    assert.deepEqual(mine.map((r) => r.thematiques[0]), ['sante']);
    await page.getByRole('link', { name: 'Historique' }).tap();
    await page.getByText("son identifiant est déjà pris par un autre enregistrement").waitFor();
    assert.equal(await page.getByText('La requête est illisible').count(), 0);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      button(page, 'Garder une copie (CSV)').tap(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    assert.match(download.suggestedFilename(), /^conum_accompagnement_.*\.csv$/);
    assert.match(csv, /Accompagnement individuel/);
    assert.match(csv, /1 h 30|90/);
    await button(page, 'Abandonner').tap();
    await page.getByText("1 en attente d'envoi").waitFor({ state: 'detached' });
    assert.equal((await phoneStores(page)).outbox.length, 0);
  });
});

test('on a first visit over one bar of signal, a page whose module never comes says so, and shows once it does', async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    // No service worker yet: the first visit, before anything is kept on the phone.
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true,
      locale: 'fr-FR', timezoneId: 'Europe/Paris', serviceWorkers: 'block',
    });
    const page = await context.newPage();
    await signUp(page, server);
    await open(page, `${server.url}/`);
    let held = null;
    await page.route(/\/assets\/module_\d+_suivi-/, (route) => { held = route; });

    await page.getByRole('link', { name: 'Historique' }).tap();
    await page.getByRole('status').filter({ hasText: 'Chargement…' }).waitFor();
    await page.getByText('Cette page ne s\'est pas chargée : vérifiez la connexion, puis rechargez-la.')
      .waitFor({ timeout: 15_000 });
    assert.equal(
      new URL(await page.getByRole('link', { name: 'Recharger la page' }).getAttribute('href'), server.url).pathname,
      '/historique',
    );

    // The module comes after all: the page shows, without a reload.
    await eventually(() => held !== null, 5000, 'the module asked for');
    await held.continue();
    await page.getByRole('heading', { name: 'Mes accompagnements' }).waitFor();
    assert.equal(await page.getByText('Recharger la page').count(), 0);
    await context.close();
  } finally {
    await browser.close();
    server.stop();
  }
});
