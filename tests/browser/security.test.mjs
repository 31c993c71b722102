// Issue 9's proofs in the browser: the Content-Security-Policy lets every page run with no
// console error and no violation; "Mot de passe oublié ?" works end to end through the mail
// folder; "Télécharger mes données" and "Supprimer mon compte" do what they say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startServer, launchBrowser, newPhone, open, signUp, createRecord, PASSWORD,
  linkMailedTo,
} from './support.mjs';

const button = (page, name) => page.getByRole('button', { name, exact: true });

/** Records console errors and Content-Security-Policy violations of every page of `context`. */
async function watchProblems(context) {
  const problems = [];
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  context.on('page', (page) => {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  });
  return problems;
}

test('the service worker and the images run under the policy; the files a page loads carry none of a page\'s headers', async () => {
  const server = await startServer();
  try {
    const headersOf = async (path) => (await fetch(`${server.url}${path}`)).headers;
    for (const path of ['/sw.js', '/icons/conum.svg']) {
      const h = await headersOf(path);
      assert.match(h.get('content-security-policy') ?? '', /default-src 'self'/, path);
      assert.match(h.get('permissions-policy') ?? '', /camera=\(\)/, path);
    }
    // A policy on a script, a style sheet, a font or the wasm is never read by a browser.
    for (const path of ['/outbox.js', '/dsfr/dsfr.min.css', '/dsfr/fonts/Marianne-Regular.woff2', '/manifest.webmanifest']) {
      const h = await headersOf(path);
      assert.equal(h.get('content-security-policy'), null, path);
      assert.equal(h.get('permissions-policy'), null, path);
      assert.equal(h.get('x-content-type-options'), 'nosniff', path);
    }
  } finally {
    server.stop();
  }
});

test('every page runs under the Content-Security-Policy with no console error', async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const context = await newPhone(browser);
    const problems = await watchProblems(context);
    const page = await context.newPage();
    for (const path of ['/connexion', '/inscription', '/mot-de-passe-oublie']) {
      await open(page, `${server.url}${path}`);
    }
    await signUp(page, server);
    await createRecord(page, server, { date: '2026-11-02' });
    const response = await page.goto(`${server.url}/`);
    const policy = response.headers()['content-security-policy'];
    assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
    assert.doesNotMatch(policy, /unsafe-inline|'unsafe-eval'/);
    await page.locator('html[data-pret="1"]').waitFor();
    await page.getByRole('heading', { name: 'Nouvel accompagnement' }).waitFor();
    await page.getByRole('link', { name: 'Historique' }).tap();
    await page.getByRole('heading', { name: 'lundi 2 novembre 2026' }).waitFor();
    await page.getByRole('link', { name: 'Statistiques' }).tap();
    await page.goto(`${server.url}/statistiques?du=2026-11-01&au=2026-11-30`);
    await page.locator('html[data-pret="1"]').waitFor();
    // The charts are drawn (ECharts from the app's own origin), at the height asked for.
    await page.locator('#graphique-thematiques').scrollIntoViewIfNeeded();
    await page.locator('#graphique-thematiques canvas').waitFor({ timeout: 20_000 });
    // One theme: one bar of 32 px and the axis; the canvas fills its container.
    const height = await page.locator('#graphique-thematiques').evaluate((e) => e.getBoundingClientRect().height);
    const drawn = await page.locator('#graphique-thematiques canvas').evaluate((e) => e.getBoundingClientRect().height);
    assert.ok(height >= 50 && Math.abs(drawn - height) < 2, `chart height ${height}, canvas ${drawn}`);
    await page.getByRole('link', { name: 'Profil' }).tap();
    await page.getByRole('heading', { name: 'Mon profil' }).waitFor();
    await new Promise((r) => setTimeout(r, 500));

    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await browser.close();
    server.stop();
  }
});

test('"Mot de passe oublié ?" sends a link by mail that sets a new password once', async () => {
  const mails = mkdtempSync(join(tmpdir(), 'conum-mails-'));
  const server = await startServer({ MAIL_DIR: mails });
  const browser = await launchBrowser();
  try {
    const context = await newPhone(browser);
    const page = await context.newPage();
    const email = await signUp(page, server);
    await context.clearCookies();
    await open(page, `${server.url}/connexion`);

    await page.getByRole('link', { name: 'Mot de passe oublié ?' }).tap();
    await page.getByLabel('Adresse e-mail').fill(email);
    await button(page, 'Recevoir le lien').tap();
    await page.getByText('Si un compte existe pour cette adresse, un e-mail vient de lui être envoyé').waitFor();
    const link = await linkMailedTo(server, email, '/mot-de-passe/nouveau');

    await open(page, link);
    await page.getByRole('textbox', { name: /^Nouveau mot de passe/ }).fill('une nouvelle phrase de passe');
    await button(page, 'Changer le mot de passe').tap();
    await page.getByText('Mot de passe changé : tous vos appareils sont déconnectés.').waitFor();
    await button(page, 'Changer le mot de passe').tap();
    await page.getByText("Ce lien n'est plus valable").waitFor();

    await page.getByRole('link', { name: 'Aller à la connexion' }).tap();
    await page.getByLabel('Adresse e-mail').fill(email);
    await page.getByLabel('Mot de passe').fill('une nouvelle phrase de passe');
    await button(page, 'Se connecter').tap();
    await page.getByRole('heading', { name: 'Nouvel accompagnement' }).waitFor();
    await context.close();
  } finally {
    await browser.close();
    server.stop();
    rmSync(mails, { recursive: true, force: true });
  }
});

test('a conseiller downloads their data, then deletes their account and everything of it', async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const context = await newPhone(browser);
    const page = await context.newPage();
    const email = await signUp(page, server);
    await createRecord(page, server, { date: '2026-11-02', annotation: 'Première séance' });
    await open(page, `${server.url}/profil`);
    await page.getByRole('heading', { name: 'Mes données' }).waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Télécharger mes données (JSON)' }).tap(),
    ]);
    const data = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert.equal(data.profil.email, email);
    assert.equal(data.accompagnements.length, 1);
    assert.equal(data.accompagnements[0].annotation, 'Première séance');

    await page.getByText('les chiffres nationaux et régionaux des périodes passées changeront').waitFor();
    await page.getByLabel('Mot de passe, pour confirmer').fill('pas le bon mot de passe');
    await button(page, 'Supprimer définitivement mon compte').tap();
    await page.getByText('Le mot de passe est incorrect : le compte n\'est pas supprimé.').waitFor();
    await page.getByLabel('Mot de passe, pour confirmer').fill(PASSWORD);
    await button(page, 'Supprimer définitivement mon compte').tap();

    await page.getByText('Votre compte et tous vos accompagnements sont supprimés.').waitFor();
    const login = await fetch(`${server.url}/api/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    assert.equal(login.status, 401);
    const left = await page.evaluate(async () => {
      const store = await import('/store.js');
      const counts = await store.transaction(['kept', 'outbox'], 'readonly', (s) => ({ kept: s.kept.count(), outbox: s.outbox.count() }));
      return { kept: counts.kept.result, outbox: counts.outbox.result };
    });
    assert.deepEqual(left, { kept: 0, outbox: 0 });
    await context.close();
  } finally {
    await browser.close();
    server.stop();
  }
});
