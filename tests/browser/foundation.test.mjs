// Issue 2's proof in a browser: sign up, record, see it listed, log out, log in, still listed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, open } from './support.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('a conseiller signs up, records an accompaniment, logs out and back in, and finds it listed', async () => {
  const context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  const page = await context.newPage();

  await open(page, `${server.url}/inscription`);
  await page.getByLabel('Adresse e-mail').fill('camille.martin@exemple.fr');
  await page.getByLabel('Mot de passe').fill('une phrase de passe solide');
  await page.getByLabel('Prénom').fill('Camille');
  await page.getByLabel('Nom', { exact: true }).fill('Martin');
  await page.getByLabel("Structure d'accueil").fill('Médiathèque Jean Macé');
  await page.getByLabel('Nom de la commune').fill('Lyon');
  await page.getByLabel('Code INSEE').fill('69123');
  await page.getByLabel('Code postal').fill('69001');
  await page.getByLabel('Département (numéro)').fill('69');
  await page.getByRole('button', { name: 'Créer mon compte' }).click();

  await page.getByRole('heading', { name: 'Nouvel accompagnement' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/');
  // The commune de rattachement is the form's default.
  assert.equal(await page.locator('#commune_insee').inputValue(), '69123');

  await page.getByLabel('Plus de 60 ans').fill('1');
  await page.getByLabel('Retraité(e)').fill('1');
  await page.getByLabel('Courriels').check();
  await page.getByLabel('Durée (minutes)').fill('45');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.getByText('Accompagnement enregistré', { exact: true }).waitFor();

  const listed = page.locator('.accompagnement');
  await listed.filter({ hasText: 'Accompagnement individuel' }).waitFor();
  assert.match(await listed.first().innerText(), /Lyon \(69001\) · 45 min/);

  // The server holds it, with the fields typed in the form.
  const stored = await (await page.request.get(`${server.url}/api/accompagnements`)).json();
  assert.equal(stored.total, 1);
  const [record] = stored.items;
  assert.equal(record.activite, 'individuel');
  assert.deepEqual(record.ages, { plus_60: 1 });
  assert.deepEqual(record.statuts, { retraite: 1 });
  assert.deepEqual(record.thematiques, ['courriel']);
  assert.equal(record.duree_minutes, 45);
  assert.equal(record.commune.insee, '69123');

  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.getByRole('heading', { name: 'Se connecter' }).waitFor();
  assert.equal((await page.request.get(`${server.url}/api/moi`)).status(), 401);

  await page.getByLabel('Adresse e-mail').fill('Camille.Martin@exemple.fr');
  await page.getByLabel('Mot de passe').fill('une phrase de passe solide');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { name: 'Nouvel accompagnement' }).waitFor();
  await listed.filter({ hasText: 'Accompagnement individuel' }).waitFor();
  assert.equal(await listed.count(), 1);

  await context.close();
});

test('a wrong password gets one generic French message', async () => {
  const page = await browser.newPage();
  await open(page, `${server.url}/connexion`);
  await page.getByLabel('Adresse e-mail').fill('personne@exemple.fr');
  await page.getByLabel('Mot de passe').fill('pas le bon mot de passe');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByText('Adresse e-mail ou mot de passe incorrect.').waitFor();
  await page.close();
});

test('an invalid record is refused in the form with the domain messages', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const signup = await page.request.post(`${server.url}/api/compte`, {
    data: {
      email: 'dominique@exemple.fr', password: 'une phrase de passe solide', prenom: 'Dominique',
      nom: 'Petit', structure: 'France Services', departement: '13',
      commune: { insee: '13055', nom: 'Marseille', code_postal: '13001' },
    },
  });
  assert.equal(signup.status(), 200);
  await open(page, `${server.url}/`);
  await page.getByRole('heading', { name: 'Nouvel accompagnement' }).waitFor();
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.getByText('Choisissez au moins une thématique.').waitFor();
  await page.getByText('Répartissez les participants par tranche d\'âge : reste 1 à répartir.').waitFor();
  const stored = await (await page.request.get(`${server.url}/api/accompagnements`)).json();
  assert.equal(stored.total, 0);
  await context.close();
});
