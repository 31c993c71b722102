// Issue 11's proofs in the browser: the national page (territory filter, charts, the
// anonymity message), "Annuler la dernière saisie" online and offline, and the pages read on a
// 360 px phone (no sideways scrolling, chart labels that neither overlap nor run off the chart,
// a French "Page introuvable").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  serverAndBrowser, withOwnServer, newPhone, open, signUp, createRecord, axeViolations,
  serverRecords, eventually, everyChartDrawn, signUpElsewhere, createRecordElsewhere, phoneHoldsSession,
} from './support.mjs';

const shared = serverAndBrowser();
const screenshots = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');

const RENNES = { insee: '35238', nom: 'Rennes', code_postal: '35000' };
const LYON = { insee: '69123', nom: 'Lyon', code_postal: '69001' };

/** A conseiller of `commune` with the given records, on a phone of their own. */
async function conseillerWith(commune, records) {
  const context = await newPhone(shared.browser);
  const page = await context.newPage();
  await signUp(page, shared.server, commune);
  for (const fields of records) await createRecord(page, shared.server, { commune, ...fields });
  return { context, page };
}

/** A conseiller of `commune` with the given records, made through the API only. */
async function conseillerElsewhere(commune, records) {
  const email = await signUpElsewhere(shared.server, {}, commune);
  for (const fields of records) await createRecordElsewhere(shared.server, email, { commune, ...fields });
}

async function tile(page, label) {
  const item = page.locator('.tuile-chiffre').filter({ has: page.locator('.tuile-chiffre__libelle', { hasText: new RegExp(`^${label}$`) }) });
  return (await item.locator('.tuile-chiffre__valeur').innerText()).trim();
}

/** Sums the page's layout shifts from its opening (what Lighthouse calls CLS, unwindowed). */
async function watchLayoutShifts(page) {
  await page.addInitScript(() => {
    window.layoutShifts = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.layoutShifts += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
}

test('the national page opens on the conseiller\'s région, by month, quarter or year, secret months kept secret', async () => {
  // Five conseillers in Lyon (a workshop of 6 and four individuals) in January and February;
  // five in Rennes in January; one of them again in March.
  const phone = await conseillerWith(LYON, [{
    date: '2026-01-12', activite: 'collectif', participants: 6, ages: { de_18_a_35: 6 }, statuts: { en_emploi: 6 },
    thematiques: ['securite'], duree_minutes: 120,
    suivi: { individuel: 0, atelier: 0, redirection: 1 },
    redirections: [{ structure: 'autre', precision: 'Madame Dupont, voisine', personnes: 1 }],
  }, { date: '2026-02-03' }]);
  for (let n = 0; n < 4; n += 1) await conseillerElsewhere(LYON, [{ date: '2026-01-20' }, { date: '2026-02-04' }]);
  await conseillerElsewhere(RENNES, [{ date: '2026-01-05' }, { date: '2026-03-10' }]);
  for (let n = 0; n < 4; n += 1) await conseillerElsewhere(RENNES, [{ date: '2026-01-06' }]);

  const { page } = phone;
  await open(page, `${shared.server.url}/`);
  await phoneHoldsSession(page);
  await watchLayoutShifts(page);
  // No territory in the address: the conseiller's région, painted so by the server.
  await open(page, `${shared.server.url}/statistiques/nationales?du=2026-01&au=2026-03`);
  await page.getByText('Auvergne-Rhône-Alpes — de janvier à mars 2026').waitFor();
  assert.equal(await tile(page, 'Accompagnements'), '15');
  assert.equal(await tile(page, 'Comptes rendus'), '10');
  assert.equal(await tile(page, 'Ateliers'), '1');
  await everyChartDrawn(page);
  const shifts = await page.evaluate(() => window.layoutShifts);
  assert.ok(shifts <= 0.1, `layout shift ${shifts} while the figures and charts came`);
  // The page says who counts and how, and free text names no one.
  await page.getByText('Chacun compte dans le département de son profil').waitFor();
  const reorientations = page.locator('figure').filter({ has: page.getByRole('heading', { name: 'Réorientations' }) });
  await reorientations.getByText('Voir les données').tap();
  assert.deepEqual((await reorientations.getByRole('row', { name: /Autre/ }).innerText()).split('\t').map((c) => c.trim()), ['Autre', '1', '100,0 %']);
  assert.ok(!(await page.content()).includes('Dupont'));

  // France, one tap away: March had one contributor, so March is secret, and the period's
  // figures with it; the other months show.
  await page.locator('nav.territoires').getByRole('link', { name: 'France', exact: true }).tap();
  await page.getByText('France entière — de janvier à mars 2026').waitFor();
  await page.getByText('Secret : mars 2026.').waitFor();
  assert.equal(await page.locator('.tuile-chiffre').count(), 0);
  const rows = await page.locator('.resultats tbody tr').allInnerTexts();
  assert.deepEqual(rows.map((r) => r.split('\t').map((c) => c.trim())), [
    ['janvier 2026', '10', '15'], ['février 2026', '5', '5'], ['mars 2026', 'secret', 'secret'],
  ]);
  assert.equal(await page.getByRole('link', { name: 'Statistiques (CSV)' }).count(), 0);

  // A département, one tap away; then one month from the picker.
  await page.locator('#territoire').selectOption('region-84');
  await page.locator('nav.territoires').getByRole('link', { name: 'Rhône', exact: true }).tap();
  await page.getByText('Rhône (69) — de janvier à mars 2026').waitFor();
  assert.equal(await tile(page, 'Accompagnements'), '15');
  await page.getByRole('button', { name: 'Mois', exact: true }).tap();
  const latest = page.locator('.periode-affichee');
  await page.waitForFunction(() => !document.querySelector('.resultats[aria-busy]')
    && !document.querySelector('.periode-affichee').textContent.includes('de janvier à mars'));
  const before = await latest.innerText();
  // A slow answer: the figures on screen stay those their caption names, dimmed, until the
  // new ones come.
  let held = [];
  const asked = new Promise((resolve) => {
    page.route(/\/api\/statistiques\/nationales\?/, (route) => {
      if (!held) return route.continue();
      held.push(route);
      return resolve();
    });
  });
  await page.locator('#periode').selectOption({ label: 'janvier 2026' });
  await asked;
  await page.locator('.resultats[aria-busy="true"]').waitFor();
  assert.equal(await latest.innerText(), before);
  const released = held;
  held = null;
  for (const route of released) await route.continue();
  await page.getByText('Rhône (69) — janvier 2026').waitFor();
  assert.equal(await page.locator('.resultats[aria-busy]').count(), 0);
  assert.match(page.url(), /territoire=departement-69&du=2026-01&au=2026-01/);
  assert.equal(await tile(page, 'Accompagnements'), '10');
  await everyChartDrawn(page);
  const address = page.url();
  await open(page, address);
  await page.getByText('Rhône (69) — janvier 2026').waitFor();
  assert.equal(await page.locator('#territoire').inputValue(), 'departement-69');

  // Its CSV: the territory and period named, no record, no one named.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Statistiques (CSV)' }).tap(),
  ]);
  assert.equal(download.suggestedFilename(), 'conum_statistiques_departement-69_2026-01_2026-01.csv');
  const csv = readFileSync(await download.path(), 'utf8');
  assert.ok(csv.includes('Statistiques nationales, Rhône (69), du 01/01/2026 au 31/01/2026'), csv);
  assert.ok(!csv.includes('Dupont'));

  // A quarter.
  await page.getByRole('button', { name: 'Trimestre', exact: true }).tap();
  await page.locator('#periode').selectOption({ label: '1er trimestre 2026 (janvier à mars)' });
  await page.getByText('Rhône (69) — de janvier à mars 2026').waitFor();

  // Another territory picked, its answer slow: the printed report's header names the
  // territory of the figures on screen until they change.
  const printedHeader = () => page.locator('.entete-impression').evaluate((e) => e.textContent);
  assert.match(await printedHeader(), /Rhône \(69\)/);
  held = [];
  await page.locator('#territoire').selectOption('region-84');
  await eventually(async () => held.length > 0, 10_000, 'the région asked for');
  await page.locator('.resultats[aria-busy="true"]').waitFor();
  assert.match(await printedHeader(), /Rhône \(69\)/);
  const slow = held;
  held = null;
  for (const route of slow) await route.continue();
  await page.getByText('Auvergne-Rhône-Alpes — de janvier à mars 2026').waitFor();
  assert.match(await printedHeader(), /Auvergne-Rhône-Alpes/);

  // Filtered by activité: January's only workshop is one conseiller's, so January is secret
  // under any filter (the unfiltered figures minus "individuel" would be theirs), and the
  // page says why; February and March show.
  await page.locator('#filtre-activite').selectOption('collectif');
  await page.waitForURL(/territoire=region-84&du=2026-01&au=2026-03.*activite=collectif/);
  await page.getByText('Secret : janvier 2026.').waitFor();
  await page.getByText("Avec un filtre, un mois n'est publié que là où chaque canal et chaque activité").waitFor();
  assert.equal(await page.locator('.filtres-actifs').innerText(), 'Filtres : Activité : Atelier collectif');
  assert.match(await printedHeader(), /Filtres : Activité : Atelier collectif/);
  const filteredRows = await page.locator('.resultats tbody tr').allInnerTexts();
  assert.deepEqual(filteredRows.map((r) => r.split('\t').map((c) => c.trim())), [
    ['janvier 2026', 'secret', 'secret'], ['février 2026', '0', '0'], ['mars 2026', '0', '0'],
  ]);
  // February, individual accompaniments: five conseillers alike, published; the filter
  // stays through a change of period, and in the exported file.
  await page.locator('#filtre-activite').selectOption('individuel');
  await page.waitForURL(/activite=individuel/);
  await page.getByRole('button', { name: 'Mois', exact: true }).tap();
  await page.locator('#periode').selectOption({ label: 'février 2026' });
  await page.getByText('Auvergne-Rhône-Alpes — février 2026').waitFor();
  await page.waitForFunction(() => !document.querySelector('.resultats[aria-busy]'));
  assert.match(page.url(), /du=2026-02&au=2026-02.*activite=individuel/);
  assert.equal(await tile(page, 'Comptes rendus'), '5');
  const [filteredDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Statistiques (CSV)' }).tap(),
  ]);
  const filteredCsv = readFileSync(await filteredDownload.path(), 'utf8');
  assert.ok(filteredCsv.includes('Statistiques nationales, Auvergne-Rhône-Alpes (Activité : Accompagnement individuel), du 01/02/2026 au 28/02/2026'), filteredCsv);
  await open(page, page.url());
  await page.getByText('Auvergne-Rhône-Alpes — février 2026').waitFor();
  assert.equal(await page.locator('#filtre-activite').inputValue(), 'individuel');
  assert.equal(await tile(page, 'Comptes rendus'), '5');

  // The navigation's tab opens on the région too.
  await open(page, `${shared.server.url}/`);
  await page.getByRole('link', { name: 'National' }).tap();
  await page.getByRole('heading', { name: 'Statistiques nationales' }).waitFor();
  await page.waitForURL(/territoire=region-84/);
  await page.getByText(/^Auvergne-Rhône-Alpes — /).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  if (process.env.UPDATE_SCREENSHOTS) {
    mkdirSync(screenshots, { recursive: true });
    await open(page, `${shared.server.url}/statistiques/nationales?territoire=france&du=2026-01&au=2026-03`);
    // The page scrolls inside the app's frame: what a phone shows is the screen around it.
    await page.getByText('Secret : mars 2026.').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'nationales-secret.png') });
  }

  await phone.context.close();
});

test('the national page needs a login unless the statistics are public', async () => {
  const context = await newPhone(shared.browser);
  const page = await context.newPage();
  await page.goto(`${shared.server.url}/statistiques/nationales`);
  await page.locator('html[data-pret="1"]').waitFor({ timeout: 30_000 });
  await page.waitForURL(/\/connexion$/);
  await context.close();
});

test('"Annuler la dernière saisie" names the record, deletes it once confirmed, and the figures follow', async () => {
  const context = await newPhone(shared.browser);
  const page = await context.newPage();
  await signUp(page, shared.server);
  await createRecord(page, shared.server, { date: '2026-02-02' });
  const last = await createRecord(page, shared.server, { date: '2026-02-10', activite: 'collectif', participants: 4, ages: { plus_60: 4 }, statuts: { retraite: 4 } });

  await open(page, `${shared.server.url}/statistiques?du=2026-02-01&au=2026-02-28`);
  await page.getByText('Du 01/02/2026 au 28/02/2026').waitFor();
  assert.equal(await tile(page, 'Accompagnements'), '5');
  await page.getByRole('button', { name: 'Annuler la dernière saisie' }).tap();
  const dialog = page.getByRole('alertdialog');
  await dialog.getByText('Atelier collectif du 10/02/2026, 4 participants sera supprimé').waitFor();
  // "Garder" changes nothing.
  await dialog.getByRole('button', { name: 'Garder' }).tap();
  assert.equal((await serverRecords(page, shared.server)).length, 2);

  await page.getByRole('button', { name: 'Annuler la dernière saisie' }).tap();
  await page.getByRole('button', { name: "Confirmer l'annulation" }).tap();
  await page.getByText('Saisie annulée : Atelier collectif du 10/02/2026, 4 participants.').waitFor();
  await eventually(async () => (await tile(page, 'Accompagnements')) === '1', 10_000, 'the figures without it');
  await eventually(async () => (await serverRecords(page, shared.server)).every((r) => r.id !== last.id), 10_000, 'deleted on the server');
  assert.equal((await serverRecords(page, shared.server)).length, 1);
  await context.close();
});

test('offline, "Annuler la dernière saisie" waits in the outbox and the figures follow at once', async () => {
  await withOwnServer(async ({ own, page }) => {
    await createRecord(page, own.server, { date: '2026-02-02' });
    await createRecord(page, own.server, { date: '2026-02-03', participants: 1 });
    await open(page, `${own.server.url}/statistiques?du=2026-02-01&au=2026-02-28`);
    await page.getByText('Du 01/02/2026 au 28/02/2026').waitFor();
    assert.equal(await tile(page, 'Comptes rendus'), '2');
    // What the conseiller saw before the network went: the button, from the server's answer.
    await page.getByRole('button', { name: 'Annuler la dernière saisie' }).waitFor();

    await own.server.halt();
    await page.getByRole('button', { name: 'Annuler la dernière saisie' }).tap();
    await page.getByText('Accompagnement individuel du 03/02/2026, 1 participant sera supprimé').waitFor();
    await page.getByRole('button', { name: "Confirmer l'annulation" }).tap();
    await page.getByText('Saisie annulée').waitFor();
    await eventually(async () => (await tile(page, 'Comptes rendus')) === '1', 10_000, 'offline figures without it');

    own.server = await own.server.restart();
    await eventually(async () => (await serverRecords(page, own.server))?.length === 1, 30_000, 'the delete sent on return');
  });
});

/** Nothing on the page is wider than the phone (no sideways scrolling). */
async function noSidewaysScroll(page, what) {
  const { scroll, client, widest } = await page.evaluate(() => {
    const root = document.documentElement;
    let widest = null;
    for (const el of document.querySelectorAll('body *')) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > root.clientWidth + 1 && getComputedStyle(el).position !== 'fixed') {
        widest = `${el.tagName.toLowerCase()}#${el.id}.${el.className} right=${Math.round(box.right)}`;
        break;
      }
    }
    return { scroll: root.scrollWidth, client: root.clientWidth, widest };
  });
  assert.ok(scroll <= client && widest === null, `${what}: ${scroll} px wide for ${client} (${widest})`);
}

/** The text boxes ECharts drew for each chart: none overlaps another or leaves the chart. */
async function labelProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    for (const box of document.querySelectorAll('.graphique__dessin')) {
      const chart = window.echarts?.getInstanceByDom(box);
      if (!chart) { problems.push(`${box.id}: no chart`); continue; }
      const width = chart.getWidth();
      const texts = [];
      // ECharts draws each line of a text as a "tspan".
      chart.getZr().storage.getDisplayList(true).forEach((el) => {
        const label = el.type === 'tspan' || el.type === 'text' ? el : null;
        if (!label || label.invisible || label.ignore || !label.style?.text) return;
        const r = label.getBoundingRect().clone();
        r.applyTransform(label.getComputedTransform());
        texts.push({ text: label.style.text, r });
      });
      for (const t of texts) {
        if (t.r.x < -1 || t.r.x + t.r.width > width + 1) problems.push(`${box.id}: "${t.text}" leaves the chart`);
      }
      for (let i = 0; i < texts.length; i += 1) {
        for (let j = i + 1; j < texts.length; j += 1) {
          const a = texts[i].r; const b = texts[j].r;
          const overlap = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x) > 1
            && Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) > 1;
          if (overlap) problems.push(`${box.id}: "${texts[i].text}" overlaps "${texts[j].text}"`);
        }
      }
    }
    return problems;
  });
}

/** The lines of text a chart drew. */
async function chartTexts(page, id) {
  return page.evaluate((id) => {
    const chart = window.echarts.getInstanceByDom(document.getElementById(`graphique-${id}`));
    const texts = [];
    chart.getZr().storage.getDisplayList(true).forEach((el) => {
      if ((el.type === 'tspan' || el.type === 'text') && el.style?.text) texts.push(el.style.text);
    });
    return texts;
  }, id);
}

test('on a 360×640 phone: charts readable with shares on the bars, no sideways scroll, a French 404', async () => {
  const context = await newPhone(shared.browser, { width: 360, height: 640 });
  const page = await context.newPage();
  await signUp(page, shared.server);
  // The long labels seen overlapping, and an empty distribution (no réorientation).
  await createRecord(page, shared.server, {
    date: '2026-03-03', activite: 'collectif', participants: 9, canal: 'autre_lieu',
    ages: { moins_12: 2, de_12_a_18: 3, de_18_a_35: 2, de_35_a_60: 1, plus_60: 1 },
    statuts: { scolarise: 4, sans_emploi: 2, en_emploi: 1, retraite: 1, non_renseigne: 1 },
    thematiques: ['securite', 'equipement', 'demarche', 'fraude', 'internet', 'courriel'], duree_minutes: 150,
  });
  const individual = await createRecord(page, shared.server, { date: '2026-03-05', annotation: 'Revenir pour la suite.' });

  await open(page, `${shared.server.url}/statistiques?du=2026-03-01&au=2026-03-31`);
  await page.getByText('Du 01/03/2026 au 31/03/2026').waitFor();
  await everyChartDrawn(page);
  await noSidewaysScroll(page, 'Mes statistiques');
  assert.deepEqual(await labelProblems(page), []);
  // An empty distribution: a sentence, no empty axis.
  const reorientations = page.locator('figure').filter({ has: page.getByRole('heading', { name: 'Réorientations' }) });
  await reorientations.getByText('Aucune donnée sur cette période.').waitFor();
  assert.equal(await reorientations.locator('.graphique__dessin').count(), 0);
  // Shares beside counts on the bars (âges: 2 of 10 = 20,0 %).
  const agesLabels = await chartTexts(page, 'ages');
  assert.ok(agesLabels.includes('2 (20,0 %)'), agesLabels.join(' | '));
  // Long labels wrap instead of running into each other.
  const themeLabels = await chartTexts(page, 'thematiques');
  assert.ok(themeLabels.includes('Sécuriser un') && themeLabels.includes('équipement, protéger'), themeLabels.join(' | '));
  if (process.env.UPDATE_SCREENSHOTS) {
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'statistiques-360.png'), fullPage: true });
  }

  // Every page of the app at 360 px, the annotation open on "Modifier".
  for (const [path, what] of [['/', 'Saisir'], ['/historique', 'Historique'], ['/profil', 'Profil'],
    [`/accompagnements/${individual.id}`, 'Détail'], [`/accompagnements/${individual.id}/modifier`, 'Modifier'],
    ['/statistiques/nationales', 'Statistiques nationales']]) {
    await open(page, `${shared.server.url}${path}`);
    if (what === 'Modifier') {
      await page.locator('#annotation').waitFor();
      assert.equal(await page.locator('#annotation').inputValue(), 'Revenir pour la suite.');
    }
    await page.waitForTimeout(300);
    await noSidewaysScroll(page, what);
  }

  // An unknown address: French, with a way back, no router debug text.
  await open(page, `${shared.server.url}/nimporte`);
  await page.getByRole('heading', { name: 'Page introuvable' }).waitFor();
  const text = await page.locator('body').innerText();
  assert.ok(!/Failed to parse|Attempted Matches/.test(text), text);
  await page.getByRole('link', { name: "Revenir à l'accueil" }).tap();
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).waitFor();
  await context.close();
});
