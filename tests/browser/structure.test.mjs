// Issue 26's proofs in the browser: a coordinator's page at 360×640 with two conseillers
// (pooled figures, one conseiller, filters, per conseiller and month, no annotation), the
// conseiller told who looked, a read-only link opened in a fresh context, then revoked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  serverAndBrowser, newPhone, open, signUp, signUpElsewhere, createRecordElsewhere, bundle,
  PASSWORD, axeViolations, createRecord, root,
} from './support.mjs';

const shared = serverAndBrowser();

/** The session cookie of `email`, logged in from elsewhere. */
async function sessionOf(email) {
  const login = await fetch(`${shared.server.url}/api/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  assert.equal(login.status, 200);
  return login.headers.get('set-cookie').split(';')[0];
}

/** `conum admin …` on the test server's database, as the programme does. */
function admin(...args) {
  return execFileSync(join(bundle, 'server'), ['admin', ...args], {
    env: { ...process.env, DATABASE_URL: `sqlite://${shared.server.dir}/conum.db?mode=rwc` },
  }).toString();
}

async function logInAs(page, email) {
  const cookie = await sessionOf(email);
  const [name, value] = cookie.split('=');
  await page.context().addCookies([{ name, value, url: shared.server.url }]);
}

test('a coordinator sees the structure’s two conseillers on a 360×640 phone, and shares a read-only link', async () => {
  const camille = await signUpElsewhere(shared.server, { prenom: 'Camille', nom: 'Martin' });
  const dominique = await signUpElsewhere(shared.server, { prenom: 'Dominique', nom: 'Bernard' });
  const year = new Date().getFullYear();
  await createRecordElsewhere(shared.server, camille, { date: `${year}-01-15`, annotation: 'Note privée de Camille' });
  await createRecordElsewhere(shared.server, camille, { date: `${year}-02-03`, canal: 'distance' });
  await createRecordElsewhere(shared.server, dominique, { date: `${year}-02-10`, participants: 1, annotation: 'Note privée de Dominique' });
  const structure = await (await fetch(`${shared.server.url}/api/moi/structure`, { headers: { cookie: await sessionOf(camille) } })).json();

  const context = await newPhone(shared.browser, { width: 360, height: 640 });
  const page = await context.newPage();
  const alex = await signUp(page, shared.server, undefined, { prenom: 'Alex', nom: 'Petit', structure: 'Mairie de Lyon' });
  admin('coordinateur', alex, structure.structure.id);

  await open(page, `${shared.server.url}/structure?du=${year}-01-01&au=${year}-12-31`);
  await page.getByRole('heading', { name: 'Statistiques de ma structure' }).waitFor();
  await page.locator('.structure-choisie').getByText('Médiathèque Jean Macé — Lyon (69001)').waitFor();
  const captions = page.locator('.par-conseiller caption');
  await captions.first().waitFor();
  assert.deepEqual(await captions.allInnerTexts(), ['Dominique Bernard', 'Camille Martin']);
  const tile = page.locator('.tuile-chiffre').first();
  assert.equal((await tile.innerText()).split('\n')[0], '3');
  const february = page.locator('.par-conseiller table').filter({ hasText: 'Camille Martin' }).getByRole('row', { name: new RegExp(`février ${year}`) });
  assert.deepEqual((await february.innerText()).split('\t').map((c) => c.trim()), [`février ${year}`, '1', '1']);
  assert.ok(!(await page.content()).includes('Note privée'), 'no annotation on the page');
  // Nothing wider than the phone.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no horizontal scroll at 360 px');
  assert.deepEqual(await axeViolations(page), []);
  if (process.env.UPDATE_SCREENSHOTS) {
    await page.screenshot({ path: join(root, 'docs', 'screenshots', 'structure-360.png'), fullPage: true });
  }

  // One conseiller, then a filter: in the address, stated on the page.
  await page.locator('#choix-conseiller').selectOption({ label: 'Camille Martin' });
  await page.waitForURL(/conseiller=/);
  await page.locator('.filtres-actifs').getByText('Filtres : Conseiller : Camille Martin').waitFor();
  assert.equal(await captions.count(), 1);
  await page.locator('#filtre-canal').selectOption('distance');
  await page.waitForURL(/canal=distance/);
  await page.locator('.filtres-actifs').getByText('Filtres : Conseiller : Camille Martin · Canal : À distance').waitFor();
  await page.waitForFunction(() => document.querySelector('.tuile-chiffre__valeur')?.textContent.trim() === '1');
  const teamCsv = await page.getByRole('link', { name: 'Statistiques (CSV)' }).getAttribute('href');
  assert.match(teamCsv, /\/statistiques\.csv\?du=.*&conseiller=[0-9a-f-]+&canal=distance$/);

  // Camille sees who looked at her figures.
  const camillePhone = await newPhone(shared.browser, { width: 360, height: 640 });
  const camillePage = await camillePhone.newPage();
  await logInAs(camillePage, camille);
  await open(camillePage, `${shared.server.url}/profil`);
  const log = camillePage.locator('.consultations li');
  await log.first().waitFor();
  assert.ok((await log.count()) >= 2);
  assert.match(await log.first().innerText(), /Alex Petit \(Médiathèque Jean Macé\), le .* : Statistiques de la structure du /);
  assert.match(await camillePage.locator('.coordinateurs').innerText(), /Coordination : Alex Petit/);
  await camillePhone.close();

  // A read-only link of the whole team, opened where nobody is logged in.
  await open(page, `${shared.server.url}/structure?du=${year}-01-01&au=${year}-12-31`);
  await page.getByRole('button', { name: 'Créer un lien de consultation' }).tap();
  const link = await page.locator('#lien-partage').inputValue();
  assert.match(link, /\/partage\/[0-9a-f]{64}$/);
  const stranger = await shared.browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  const strangerPage = await stranger.newPage();
  await open(strangerPage, link);
  await strangerPage.locator('.titre-partage').getByText('Médiathèque Jean Macé', { exact: true }).waitFor();
  await strangerPage.getByText(`Du 01/01/${year} au 31/12/${year}`).waitFor();
  await strangerPage.waitForFunction(() => document.querySelector('.tuile-chiffre__valeur')?.textContent.trim() === '3');
  assert.ok(!(await strangerPage.content()).includes('Note privée'));
  assert.equal(await strangerPage.locator('.par-conseiller').count(), 0, 'no conseiller by name');

  // Revoked from the coordinator's profile: the stranger's page says the link expired.
  await open(page, `${shared.server.url}/profil`);
  await page.locator('.liens li').first().waitFor();
  await page.getByRole('button', { name: 'Révoquer' }).tap();
  await page.locator('.liens li').filter({ hasText: 'révoqué' }).waitFor();
  await open(strangerPage, link);
  await strangerPage.getByRole('heading', { name: 'Lien expiré' }).waitFor();
  await strangerPage.getByText('Ce lien a expiré ou a été révoqué').waitFor();
  await stranger.close();
  await context.close();
});

test('my own figures filtered by canal and commune: in the address, the figures, the export and the printed header', async () => {
  const context = await newPhone(shared.browser);
  const page = await context.newPage();
  await signUp(page, shared.server);
  const year = new Date().getFullYear();
  for (const fields of [
    { date: `${year}-01-15` },
    { date: `${year}-01-16`, canal: 'distance' },
    { date: `${year}-01-17`, canal: 'distance', commune: { insee: '69266', nom: 'Villeurbanne', code_postal: '69100' } },
  ]) {
    await createRecord(page, shared.server, fields);
  }
  await open(page, `${shared.server.url}/statistiques?du=${year}-01-01&au=${year}-01-31`);
  await page.locator('#filtre-canal').selectOption('distance');
  await page.waitForURL(/canal=distance/);
  await page.locator('.filtres-actifs').getByText('Filtres : Canal : À distance').waitFor();
  await page.waitForFunction(() => document.querySelector('.tuile-chiffre__valeur')?.textContent.trim() === '2');
  await page.getByRole('button', { name: 'Choisir une commune' }).tap();
  await page.locator('#filtre-commune-recherche').fill('villeurbanne');
  await page.getByRole('button', { name: /Villeurbanne/ }).first().tap();
  await page.waitForURL(/commune=69266/);
  await page.locator('.filtres-actifs').getByText('Filtres : Commune : Villeurbanne · Canal : À distance').waitFor();
  await page.waitForFunction(() => document.querySelector('.tuile-chiffre__valeur')?.textContent.trim() === '1');
  const href = await page.getByRole('link', { name: 'Statistiques (CSV)' }).getAttribute('href');
  assert.match(href, /&commune=69266&canal=distance$/);
  const csv = await (await page.request.get(`${shared.server.url}${href}`)).text();
  assert.match(csv.split('\n')[0], /Statistiques \(Commune : Villeurbanne · Canal : À distance\) du 01\/01/);
  await page.emulateMedia({ media: 'print' });
  assert.ok(await page.locator('.entete-impression').getByText('Filtres : Commune : Villeurbanne · Canal : À distance').isVisible());
  await context.close();
});
