// Issue 2's proof in a browser: sign up (through the link of the mail), record, see it
// listed, log out, log in, still listed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, open, signUp, serverRecords, eventually, linkMailedTo } from './support.mjs';

const shared = serverAndBrowser();

test('a conseiller signs up, records an accompaniment, logs out and back in, and finds it listed', async () => {
  const context = await shared.browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  const page = await context.newPage();

  await open(page, `${shared.server.url}/inscription`);
  await page.getByLabel('Adresse e-mail').fill('camille.martin@exemple.fr');
  await page.getByLabel('Mot de passe').fill('une phrase de passe solide');
  await page.getByLabel('Prénom').fill('Camille');
  await page.getByLabel('Nom', { exact: true }).fill('Martin');
  await page.getByLabel("Structure d'accueil").fill('Médiathèque Jean Macé');
  await page.getByLabel('Rechercher une commune').fill('Lyon');
  await page.getByRole('button', { name: 'Lyon 69001' }).click();
  assert.equal(await page.getByLabel('Département').inputValue(), '69');
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await page.getByRole('heading', { name: 'Vérifiez votre messagerie' }).waitFor();
  await page.getByText('Un lien pour ouvrir votre compte a été envoyé à camille.martin@exemple.fr.').waitFor();

  // The link of the mail opens the account, logged in on this phone.
  await open(page, await linkMailedTo(shared.server, 'camille.martin@exemple.fr', '/adresse/confirmer'));
  await page.getByRole('heading', { name: 'Nouvel accompagnement' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/');
  // The commune de rattachement is the form's default.
  await page.locator('.commune-choisie').getByText('Lyon').waitFor();

  await page.getByRole('button', { name: 'Accompagnement individuel' }).click();
  await page.getByRole('button', { name: 'Plus de 60 ans' }).click();
  await page.getByRole('button', { name: 'Retraité(e)' }).click();
  await page.getByRole('button', { name: 'Courriels' }).click();
  await page.getByRole('button', { name: '45 min' }).click();
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await page.getByText('Accompagnement enregistré', { exact: true }).waitFor();
  await page.getByText('Envoyé.').waitFor();

  const [record] = await serverRecords(page, shared.server);
  assert.equal(record.activite, 'individuel');
  assert.deepEqual(record.ages, { plus_60: 1 });
  assert.deepEqual(record.statuts, { retraite: 1 });
  assert.deepEqual(record.thematiques, ['courriel']);
  assert.equal(record.duree_minutes, 45);
  assert.equal(record.commune.insee, '69123');

  await page.getByRole('link', { name: 'Historique' }).click();
  const listed = page.locator('.accompagnement');
  await listed.filter({ hasText: 'Accompagnement individuel' }).waitFor();
  assert.match(await listed.first().innerText(), /Lyon · 45 min/);

  await page.getByRole('link', { name: 'Profil' }).click();
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.getByRole('heading', { name: 'Se connecter' }).waitFor();
  await eventually(async () => (await page.request.get(`${shared.server.url}/api/moi`)).status() === 401, 5000, 'logged out on the server');

  await page.getByLabel('Adresse e-mail').fill('Camille.Martin@exemple.fr');
  await page.getByLabel('Mot de passe').fill('une phrase de passe solide');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { name: 'Nouvel accompagnement' }).waitFor();
  await page.getByRole('link', { name: 'Historique' }).click();
  await listed.filter({ hasText: 'Accompagnement individuel' }).waitFor();
  assert.equal(await listed.count(), 1);

  await context.close();
});

test('a wrong password gets one generic French message', async () => {
  const page = await shared.browser.newPage();
  await open(page, `${shared.server.url}/connexion`);
  await page.getByLabel('Adresse e-mail').fill('personne@exemple.fr');
  await page.getByLabel('Mot de passe').fill('pas le bon mot de passe');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByText('Adresse e-mail ou mot de passe incorrect.').waitFor();
  await page.close();
});

test('an invalid record is refused in the form with the domain messages', async () => {
  const context = await shared.browser.newContext();
  const page = await context.newPage();
  await signUp(page, shared.server, { insee: '13055', nom: 'Marseille', code_postal: '13001' });
  await open(page, `${shared.server.url}/`);
  await page.getByRole('heading', { name: 'Nouvel accompagnement' }).waitFor();
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await page.getByText("Choisissez le type d'activité.").waitFor();
  await page.getByText('Choisissez au moins une thématique.').waitFor();
  await page.getByText("Répartissez les participants par tranche d'âge : reste 1 à répartir.").waitFor();
  assert.deepEqual(await serverRecords(page, shared.server), []);
  await context.close();
});
