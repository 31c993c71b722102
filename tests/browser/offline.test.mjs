// Issue 4's proofs: the network loss is real — the server process is killed, then started
// again on the same port and database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import {
  startServer, launchBrowser, newPhone, open, signUp, todayInParis, withOwnServer, eventually,
  relay, creates, bundle, saveAndConfirm, phoneStores,
} from './support.mjs';

const button = (page, name) => page.getByRole('button', { name, exact: true });

/** Waits until the service worker controls the page (its precache is then complete). */
async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
}

async function recordIndividual(page, { age, statut, theme, duree }) {
  await button(page, 'Accompagnement individuel').tap();
  await button(page, age).tap();
  await button(page, statut).tap();
  await button(page, theme).tap();
  await button(page, duree).tap();
  await saveAndConfirm(page);
}

/** The records the server holds, asked by the test itself (not through the page). */
async function storedOnServer(page, url) {
  const response = await page.request.get(`${url}/api/accompagnements?par_page=200`);
  return (await response.json()).items;
}

test('offline: the app opens from the cache, keeps 3 records, and sends each exactly once when the server is back', async () => {
  await withOwnServer(async ({ own, context, page: first }) => {
    await first.getByRole('heading', { name: 'Nouvel accompagnement' }).waitFor();
    await own.server.halt();
    await first.reload();
    await first.locator('html[data-pret="1"]').waitFor();
    await first.getByRole('heading', { name: 'Nouvel accompagnement' }).waitFor();
    await recordIndividual(first, { age: 'Plus de 60 ans', statut: 'Retraité(e)', theme: 'Courriels', duree: '30 min' });
    await first.getByText('Pas de connexion : il sera envoyé dès son retour.').waitFor();
    await recordIndividual(first, { age: '18 - 35 ans', statut: 'Sans emploi', theme: 'Emploi, formation', duree: '1 h' });
    await recordIndividual(first, { age: '35 - 60 ans', statut: 'En emploi', theme: 'Démarche en ligne', duree: '45 min' });
    await first.getByText('3 en attente d\'envoi').waitFor();

    await first.close();
    const page = await context.newPage();
    await open(page, `${own.server.url}/`);
    await page.getByText('3 en attente d\'envoi').waitFor();
    await page.getByRole('link', { name: 'Historique' }).tap();
    await page.getByRole('heading', { name: 'En attente d\'envoi' }).waitFor();
    assert.equal(await page.locator('.accompagnement--en-attente').count(), 3);

    own.server = await own.server.restart();
    await eventually(async () => (await storedOnServer(page, own.server.url)).length >= 3, 35_000, '3 records stored');
    await page.getByText('3 en attente d\'envoi').waitFor({ state: 'detached', timeout: 10_000 });
    const stored = await storedOnServer(page, own.server.url);
    assert.equal(stored.length, 3);
    assert.equal(new Set(stored.map((r) => r.id)).size, 3);
    assert.deepEqual(stored.map((r) => r.duree_minutes).sort((a, b) => a - b), [30, 45, 60]);
    assert.ok(stored.every((r) => r.date === todayInParis()));
  });
});

test('offline, Annuler, Modifier and Supprimer work on waiting records, and offline changes to sent ones are queued in order', async () => {
  await withOwnServer(async ({ own, page }) => {
    // Sent while online.
    await recordIndividual(page, { age: 'Plus de 60 ans', statut: 'Retraité(e)', theme: 'Courriels', duree: '15 min' });
    await page.getByText('Envoyé.').waitFor();
    const [sent] = await storedOnServer(page, own.server.url);

    await own.server.halt();
    // Annuler a waiting record: it never reaches the server.
    await recordIndividual(page, { age: 'Moins de 12 ans', statut: 'Scolarisé(e) ou étudiant(e)', theme: 'Scolarité', duree: '30 min' });
    await button(page, 'Annuler').tap();
    await page.getByText("Saisie annulée : l'accompagnement est supprimé.").waitFor();
    // Modifier a waiting record.
    await recordIndividual(page, { age: '18 - 35 ans', statut: 'Sans emploi', theme: 'Emploi, formation', duree: '45 min' });
    // Supprimer a waiting record.
    await recordIndividual(page, { age: '35 - 60 ans', statut: 'En emploi', theme: 'Santé', duree: '1 h' });
    await page.getByText('2 en attente d\'envoi').waitFor();
    await page.getByRole('link', { name: 'Historique' }).tap();
    await page.locator('.accompagnement--en-attente').filter({ hasText: '45 min' }).getByRole('link').tap();
    await page.getByText("En attente d'envoi", { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Modifier' }).tap();
    await button(page, '2 h').tap();
    await button(page, 'Enregistrer les modifications').tap();
    await page.getByText('2 h', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Historique' }).tap();
    await page.locator('.accompagnement--en-attente').filter({ hasText: '1 h' }).getByRole('link').tap();
    await button(page, 'Supprimer').tap();
    await button(page, 'Confirmer la suppression').tap();
    await page.getByRole('heading', { name: 'Mes accompagnements' }).waitFor();
    await page.getByText('1 en attente d\'envoi').waitFor();
    // One operation per waiting record, whatever was done to it: the modified one carries its
    // new duration, the deleted one left nothing; the undone one leaves at most its deletion
    // (once its create was tried, the server may hold it).
    const { outbox } = await phoneStores(page);
    const changes = outbox.filter((op) => op.kind !== 'delete');
    assert.deepEqual(changes.map((op) => [op.kind, op.body.duree_minutes]), [['create', 120]]);
    assert.ok(outbox.filter((op) => op.kind === 'delete').every((op) => op.body.duree_minutes === 30));
    // A sent record changed offline: the change waits too.
    await page.locator('.accompagnement').filter({ hasText: '15 min' }).getByRole('link').tap();
    await page.getByRole('link', { name: 'Modifier' }).tap();
    await button(page, '30 min').tap();
    await button(page, 'Enregistrer les modifications').tap();
    await page.getByText('2 en attente d\'envoi').waitFor();

    own.server = await own.server.restart();
    await eventually(async () => (await page.locator('.en-attente').count()) === 0, 35_000, 'outbox emptied');
    const stored = await storedOnServer(page, own.server.url);
    assert.equal(stored.length, 2);
    const byTheme = Object.fromEntries(stored.map((r) => [r.thematiques[0], r]));
    assert.equal(byTheme.courriel.id, sent.id);
    assert.equal(byTheme.courriel.duree_minutes, 30);
    assert.equal(byTheme.emploi.duree_minutes, 120);
  });
});

test('an expired session keeps every waiting record and asks to log in again', async () => {
  await withOwnServer(async ({ own, page, context, email }) => {
    await context.clearCookies();

    await recordIndividual(page, { age: 'Plus de 60 ans', statut: 'Retraité(e)', theme: 'Budget, banque, achats en ligne', duree: '45 min' });

    // The session is over: the phone asks to log in again, and keeps the record sealed.
    await page.getByRole('heading', { name: 'Se connecter' }).waitFor();
    await page.getByText('Votre session a expiré : reconnectez-vous.').waitFor();
    await page.getByText(/1 accompagnement\(s\) saisi\(s\) sur ce téléphone attendent/).waitFor();
    await page.getByLabel('Adresse e-mail').fill(email);
    await page.getByLabel('Mot de passe').fill('une phrase de passe solide');
    await button(page, 'Se connecter').tap();
    await page.getByRole('heading', { name: 'Nouvel accompagnement' }).waitFor();
    await eventually(async () => (await storedOnServer(page, own.server.url)).length === 1, 35_000, 'record sent after login');
    await page.getByText('1 en attente d\'envoi').waitFor({ state: 'detached' });
  });
});

test('a server killed after committing a record but before answering stores it once', async () => {
  const own = { server: await startServer() };
  const front = await relay(own);
  const browser = await launchBrowser();
  try {
    const context = await newPhone(browser);
    const page = await context.newPage();
    await signUp(page, front);
    await open(page, `${front.url}/`);
    await page.getByRole('heading', { name: 'Nouvel accompagnement' }).waitFor();
    await controlled(page);
    front.intercept(creates, 'lose', () => own.server.halt());

    await recordIndividual(page, { age: 'Plus de 60 ans', statut: 'Retraité(e)', theme: 'Santé', duree: '15 min' });

    await page.getByText('Pas de connexion : il sera envoyé dès son retour.').waitFor();
    await page.getByText('1 en attente d\'envoi').waitFor();
    front.release();
    own.server = await own.server.restart();
    await eventually(
      async () => (await page.locator('.en-attente').count()) === 0,
      35_000,
      'outbox emptied',
    );
    const stored = await storedOnServer(page, front.url);
    assert.equal(stored.length, 1);
    assert.deepEqual(stored[0].thematiques, ['sante']);
    await context.close();
  } finally {
    await browser.close();
    front.close();
    own.server.stop();
  }
});

test('a record the server refuses stays in the outbox with its message, and is sent once fixed', async () => {
  await withOwnServer(async ({ own, page }) => {
    // A commune that looks right but is not on the official list (kept by an older version).
    await page.evaluate(async () => {
      const store = await import('/store.js');
      const { owner } = await store.session();
      await store.keep('communes_recentes', owner, [{ insee: '99999', nom: 'Nulle-Part', code_postal: '99999' }]);
    });
    await page.reload();
    await page.locator('html[data-pret="1"]').waitFor();
    await button(page, 'Changer de commune').tap();
    await page.getByRole('button', { name: 'Nulle-Part 99999' }).tap();
    await button(page, 'Accompagnement individuel').tap();
    await button(page, 'Moins de 12 ans').tap();
    await button(page, 'Scolarisé(e) ou étudiant(e)').tap();
    await button(page, 'Scolarité').tap();
    await button(page, '1 h').tap();
    await button(page, 'Enregistrer').tap();

    await page.getByText("Cette commune n'est pas dans la liste officielle").first().waitFor();
    await page.getByText('1 en attente d\'envoi').waitFor();
    assert.equal((await storedOnServer(page, own.server.url)).length, 0);

    await page.getByRole('link', { name: 'Historique' }).tap();
    const waiting = page.locator('.accompagnement--en-attente');
    await waiting.getByText(/Refusé par le serveur : .*liste officielle/).waitFor();
    await waiting.getByRole('link').tap();
    await page.getByRole('link', { name: 'Modifier' }).tap();
    await button(page, 'Changer de commune').tap();
    await page.getByLabel('Rechercher une commune').fill('Lyon');
    await page.getByRole('button', { name: 'Lyon 69001' }).tap();
    await button(page, 'Enregistrer les modifications').tap();

    await page.getByText('1 en attente d\'envoi').waitFor({ state: 'detached' });
    const stored = await storedOnServer(page, own.server.url);
    assert.equal(stored.length, 1);
    assert.equal(stored[0].commune.insee, '69123');
  });
});

test('Chromium reports the app installable', async () => {
  const server = await startServer();
  const profile = mkdtempSync(join(tmpdir(), 'conum-profile-'));
  // Installability is not assessed in incognito contexts: use a real profile.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await context.newPage();
    await open(page, `${server.url}/connexion`);
    await controlled(page);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, []);
    const manifest = await (await page.request.get(`${server.url}/manifest.webmanifest`)).json();
    assert.equal(manifest.short_name, 'Conum');
    assert.equal(manifest.lang, 'fr');
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    server.stop();
  }
});

test('after a new deployment the app offers to reload, then runs the new version', async () => {
  const publicCopy = mkdtempSync(join(tmpdir(), 'conum-public-'));
  cpSync(join(bundle, 'public'), publicCopy, { recursive: true });
  try {
    await withOwnServer(async ({ own, page }) => {
      const before = await page.evaluate(() => caches.keys());

      // A new bundle: one of its files changes.
      await own.server.halt();
      appendFileSync(join(publicCopy, 'dsfr', 'dsfr.min.css'), '\n.conum-version-suivante{}\n');
      own.server = await own.server.restart();
      await page.reload();
      await page.locator('html[data-pret="1"]').waitFor();

      await page.getByText('Nouvelle version disponible').waitFor({ timeout: 30_000 });
      await Promise.all([page.waitForEvent('load'), button(page, 'Recharger').tap()]);
      await page.locator('html[data-pret="1"]').waitFor();
      await eventually(async () => {
        const keys = await page.evaluate(() => caches.keys());
        return keys.length === 1 && keys[0] !== before[0];
      }, 15_000, 'old cache replaced');
      const css = await page.evaluate(async () => (await fetch('/dsfr/dsfr.min.css')).text());
      assert.ok(css.includes('conum-version-suivante'));
    }, { env: { DIOXUS_PUBLIC_PATH: publicCopy } });
  } finally {
    rmSync(publicCopy, { recursive: true, force: true });
  }
});

test('the network drops just as the app opens (CPU 4× slower): the conseiller\'s form, never the login page', async () => {
  await withOwnServer(async ({ context, page }) => {
    await page.getByRole('heading', { name: 'Nouvel accompagnement' }).waitFor();
    await controlled(page);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    // From "the page was asked" to "the profile was there": each moment a request can fail.
    for (const delay of [0, 50, 150, 400, 1000, 2000]) {
      await context.setOffline(false);
      await page.reload({ waitUntil: 'commit' });
      await page.waitForTimeout(delay);
      await context.setOffline(true);
      await page.locator('.bandeau .qui').waitFor({ timeout: 15_000 });
      assert.ok(!page.url().includes('/connexion'), `network lost ${delay} ms after the reload: ${page.url()}`);
      await page.getByRole('heading', { name: 'Nouvel accompagnement' }).waitFor();
    }
    await context.setOffline(false);
    await cdp.detach();
  });
});
