// Issue 5's proofs in the browser: the figures of known records, the period in the URL,
// every chart drawn, the data tables, offline figures, CSV and PDF exports, accessibility.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  serverAndBrowser, withOwnServer, newPhone, open, signUp, createRecord, axeViolations,
  everyChartDrawn,
} from './support.mjs';

const shared = serverAndBrowser();

/** Known records in January and February 2026 (hand-computed figures in the tests below). */
async function knownRecords(page, server) {
  await createRecord(page, server, {
    date: '2026-01-15', activite: 'collectif', participants: 8, deja_accompagnes: 3, canal: 'autre_lieu',
    ages: { moins_12: 3, de_12_a_18: 5 }, statuts: { scolarise: 8 },
    thematiques: ['fraude', 'securite', 'internet'], duree_minutes: 90,
    suivi: { individuel: 1, atelier: 2, redirection: 3 },
    redirections: [{ structure: 'caf', personnes: 2 }, { structure: 'autre', precision: 'Secours populaire', personnes: 1 }],
  });
  await createRecord(page, server, { date: '2026-01-20', duree_minutes: 45 });
  await createRecord(page, server, { date: '2026-02-03', activite: 'ponctuel', canal: 'distance', thematiques: ['demarche'], duree_minutes: 15 });
}

/** A phone on the statistics of `du`..`au` for a conseiller with the known records, charts drawn. */
async function statisticsOf(du, au) {
  const context = await newPhone(shared.browser);
  const page = await context.newPage();
  await signUp(page, shared.server);
  await knownRecords(page, shared.server);
  await open(page, `${shared.server.url}/statistiques?du=${du}&au=${au}`);
  const day = (iso) => iso.split('-').reverse().join('/');
  await page.getByText(`Du ${day(du)} au ${day(au)}`).waitFor();
  await everyChartDrawn(page);
  assert.equal(await page.locator('.graphique__dessin canvas').count(), 9);
  return { context, page };
}

async function tile(page, label) {
  const item = page.locator('.tuile-chiffre').filter({ hasText: label });
  return (await item.locator('.tuile-chiffre__valeur').innerText()).trim();
}

test('the page shows the figures of known records, for the period in the URL', async () => {
  const context = await newPhone(shared.browser);
  const page = await context.newPage();
  await signUp(page, shared.server);
  await knownRecords(page, shared.server);

  await open(page, `${shared.server.url}/statistiques?du=2026-01-01&au=2026-01-31`);
  await page.getByText('Du 01/01/2026 au 31/01/2026').waitFor();

  assert.equal(await tile(page, 'Accompagnements individuels'), '1');
  assert.equal(await tile(page, 'Nouveaux usagers'), '6');
  assert.equal(await tile(page, 'Participants aux ateliers : 8'), '1');
  assert.equal(await tile(page, 'Demandes ponctuelles'), '0');
  assert.equal(await tile(page, 'Usagers avec suivi'), '6 (66 %)');
  assert.equal(await tile(page, 'Temps total'), '2 h 15');
  assert.equal((await page.locator('.tuile-chiffre').first().innerText()).split('\n')[0], '9');

  // Another period, through the form: the URL follows, the figures change.
  await page.locator('#stats-au').fill('2026-02-28');
  await page.getByRole('button', { name: 'Afficher' }).tap();
  await page.getByText('Du 01/01/2026 au 28/02/2026').waitFor();
  assert.match(page.url(), /du=2026-01-01&au=2026-02-28/);
  assert.equal(await tile(page, 'Demandes ponctuelles'), '1');

  // Every chart is drawn.
  const charts = page.locator('.graphique__dessin');
  assert.equal(await charts.count(), 9);
  await everyChartDrawn(page);

  // "Voir les données": the numbers as a table.
  const themes = page.locator('figure').filter({ has: page.getByRole('heading', { name: 'Thèmes des accompagnements' }) });
  await themes.getByText('Voir les données').tap();
  const row = themes.getByRole('row', { name: /Naviguer sur Internet/ });
  await row.waitFor();
  assert.deepEqual((await row.innerText()).split('\t').map((c) => c.trim()), ['Naviguer sur Internet', '1', '20,0 %']);
  // Two évolutions: people accompanied (8 + 1, then 1) and records (2, then 1).
  const people = page.locator('figure').filter({ has: page.getByRole('heading', { name: 'Évolution des accompagnements' }) });
  await people.getByText('Voir les données').tap();
  assert.deepEqual((await people.getByRole('row', { name: /févr. 2026/ }).innerText()).split('\t').map((c) => c.trim()), ['févr. 2026', '1', '10']);
  const months = page.locator('figure').filter({ has: page.getByRole('heading', { name: 'Évolution des comptes rendus' }) });
  await months.getByText('Voir les données').tap();
  assert.deepEqual((await months.getByRole('row', { name: /févr. 2026/ }).innerText()).split('\t').map((c) => c.trim()), ['févr. 2026', '1', '3']);
  assert.equal(await tile(page, 'Comptes rendus'), '3');
  await context.close();
});

test('presets put the period in the URL', async () => {
  const context = await newPhone(shared.browser);
  const page = await context.newPage();
  await signUp(page, shared.server);
  await knownRecords(page, shared.server);
  await open(page, `${shared.server.url}/statistiques`);
  assert.equal(await page.locator('.periodes [aria-current="page"]').innerText(), 'Ce mois-ci');

  await page.getByRole('link', { name: 'Depuis le début' }).tap();
  await page.getByText('Du 15/01/2026 au').waitFor();
  assert.match(page.url(), /du=debut/);
  assert.equal((await page.locator('.tuile-chiffre').first().innerText()).split('\n')[0], '10');
  await context.close();
});

test('offline, the page shows the last figures plus the records not yet sent', async () => {
  await withOwnServer(async ({ own, page }) => {
    await knownRecords(page, own.server);
    await open(page, `${own.server.url}/statistiques?du=2026-01-01&au=2026-01-31`);
    // The figures came (and were kept on the phone).
    await page.locator('.tuile-chiffre').first().waitFor();

    await own.server.halt();
    // A record made offline, dated in the period.
    await page.getByRole('link', { name: 'Saisir' }).tap();
    await page.getByRole('button', { name: 'Accompagnement individuel', exact: true }).tap();
    await page.getByRole('button', { name: 'Plus de 60 ans', exact: true }).tap();
    await page.getByRole('button', { name: 'Retraité(e)', exact: true }).tap();
    await page.getByRole('button', { name: 'Santé', exact: true }).tap();
    await page.getByRole('button', { name: '1 h', exact: true }).tap();
    await page.locator('#date').fill('2026-01-25');
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).tap();
    await page.getByText('Pas de connexion : il sera envoyé dès son retour.').waitFor();

    await page.goto(`${own.server.url}/statistiques?du=2026-01-01&au=2026-01-31`);
    await page.locator('html[data-pret="1"]').waitFor();
    await page.getByText('Hors connexion : derniers chiffres chargés sur ce téléphone.').waitFor();
    await page.getByText('inclut 1 accompagnement pas encore envoyé').waitFor();
    assert.equal((await page.locator('.tuile-chiffre').first().innerText()).split('\n')[0], '10');
    assert.equal(await tile(page, 'Accompagnements individuels'), '2');
  });
});

test('offline, an edit and then a deletion of a record already sent change the figures at once', async () => {
  await withOwnServer(async ({ own, page }) => {
    await createRecord(page, own.server, { date: '2026-01-15', duree_minutes: 90 });
    const edited = await createRecord(page, own.server, { date: '2026-01-20', duree_minutes: 45 });
    const january = `${own.server.url}/statistiques?du=2026-01-01&au=2026-01-31`;
    await open(page, january);
    assert.equal(await tile(page, 'Temps total'), '2 h 15');
    await open(page, `${own.server.url}/accompagnements/${edited.id}/modifier`);
    await page.getByRole('button', { name: '45 min', exact: true }).waitFor();

    await own.server.halt();
    await page.getByRole('button', { name: '1 h', exact: true }).tap();
    await page.getByRole('button', { name: 'Enregistrer les modifications', exact: true }).tap();
    await page.getByRole('button', { name: 'Supprimer', exact: true }).waitFor();

    await page.goto(january);
    await page.locator('html[data-pret="1"]').waitFor();
    await page.getByText('Hors connexion : derniers chiffres chargés sur ce téléphone.').waitFor();
    await page.getByText('inclut 1 accompagnement pas encore envoyé').waitFor();
    assert.equal(await tile(page, 'Temps total'), '2 h 30', 'the edit counted, not added');
    assert.equal(await tile(page, 'Comptes rendus'), '2');

    // Deleted before the edit was sent: the server's version (45 min) is what leaves.
    await page.goto(`${own.server.url}/accompagnements/${edited.id}`);
    await page.getByRole('button', { name: 'Supprimer', exact: true }).tap();
    await page.getByRole('button', { name: 'Confirmer la suppression', exact: true }).tap();
    await page.getByRole('heading', { name: 'Mes accompagnements' }).waitFor();
    await page.goto(january);
    await page.locator('html[data-pret="1"]').waitFor();
    await page.getByText('Hors connexion : derniers chiffres chargés sur ce téléphone.').waitFor();
    await page.locator('.tuile-chiffre').first().waitFor();
    assert.equal(await tile(page, 'Temps total'), '1 h 30');
    assert.equal(await tile(page, 'Comptes rendus'), '1');
  });
});

test('the CSV export downloads the period with a BOM, ; and French values; the Excel one a workbook', async () => {
  const { context, page } = await statisticsOf('2026-01-01', '2026-01-31');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Statistiques (CSV)' }).tap(),
  ]);

  assert.equal(download.suggestedFilename(), 'conum_statistiques_2026-01-01_2026-01-31.csv');
  const text = readFileSync(await download.path(), 'utf8');
  assert.ok(text.startsWith('\ufeff'));
  const rows = text.slice(1).trim().split(/\r?\n/).map((line) => line.split(';'));
  assert.deepEqual(rows.find((r) => r[0] === 'Accompagnements'), ['Accompagnements', '9', '']);
  assert.deepEqual(rows.find((r) => r[0] === 'Moins de 12 ans'), ['Moins de 12 ans', '3', '33,3']);
  // The CSV lists the page's sections, with the page's titles, in the page's order.
  const titles = await page.locator('.graphique__titre').allInnerTexts();
  const csvTitles = rows.filter((r) => titles.includes(r[0])).map((r) => r[0]);
  assert.deepEqual(csvTitles, titles);

  // The same figures as a workbook (its cells are checked by the API tests).
  for (const [name, file] of [['Statistiques (Excel)', 'conum_statistiques_2026-01-01_2026-01-31.xlsx'], ['Accompagnements (Excel)', 'conum_accompagnements_2026-01-01_2026-01-31.xlsx']]) {
    const [workbook] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name }).tap(),
    ]);
    assert.equal(workbook.suggestedFilename(), file);
    assert.equal(readFileSync(await workbook.path()).subarray(0, 2).toString(), 'PK', 'a zip, as every .xlsx');
  }
  await context.close();
});

test('on a phone nothing on the screen moves while the statistics and the history fill in, nor as the charts are drawn', async () => {
  const context = await newPhone(shared.browser, { width: 412, height: 823 });
  await context.addInitScript(() => {
    window.layoutShift = 0;
    new PerformanceObserver((list) => {
      for (const shift of list.getEntries()) if (!shift.hadRecentInput) window.layoutShift += shift.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  const page = await context.newPage();
  await signUp(page, shared.server);
  await knownRecords(page, shared.server);
  for (const [path, filled] of [['/statistiques?du=2026-01-01&au=2026-02-28', '.graphique__dessin'], ['/historique', '.accompagnement']]) {
    await open(page, `${shared.server.url}${path}`);
    await page.locator(filled).first().waitFor({ timeout: 20_000 });
    // Down to the last chart, each drawn as it comes (a scroll is no input that excuses a shift).
    if (path.startsWith('/statistiques')) await everyChartDrawn(page);
    await page.waitForTimeout(1000);
    const shift = await page.evaluate(() => window.layoutShift);
    // Lighthouse's "good" is under 0.1.
    assert.ok(shift < 0.1, `${path}: cumulative layout shift ${shift.toFixed(3)}`);
  }
  await context.close();
});

/** A 360×640 phone on January–February's statistics, their figures shown. */
async function smallPhoneOnTheStatistics() {
  const context = await newPhone(shared.browser, { width: 360, height: 640 });
  const page = await context.newPage();
  await signUp(page, shared.server);
  await knownRecords(page, shared.server);
  await open(page, `${shared.server.url}/statistiques?du=2026-01-01&au=2026-02-28`);
  await page.locator('.graphique__dessin').first().waitFor({ timeout: 20_000 });
  return { context, page };
}

test('on a phone the charts are drawn as they reach the screen, in places kept from the start, and every one before printing', async () => {
  const { context, page } = await smallPhoneOnTheStatistics();
  await new Promise((r) => setTimeout(r, 1000));
  const canvases = () => page.locator('.graphique__dessin canvas').count();
  const atOpening = await canvases();
  // The key figures fill the first screen: no chart is drawn, ECharts is not even loaded.
  assert.equal(atOpening, 0, `${atOpening} charts drawn at the opening`);
  assert.equal(await page.evaluate(() => typeof window.echarts), 'undefined');
  const places = () => page.evaluate(() => [...document.querySelectorAll('.graphique')]
    .map((figure) => Math.round(figure.getBoundingClientRect().top + document.querySelector('main').scrollTop + window.scrollY)));
  const before = await places();
  const heights = await page.locator('.graphique__dessin').evaluateAll((boxes) => boxes.map((box) => box.offsetHeight));
  assert.ok(heights.every((h) => h >= 50), `chart places: ${heights}`);

  // Scrolling down to the second chart draws the first two, and nothing moves.
  await page.locator('.graphique__dessin').nth(1).scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.querySelectorAll('.graphique__dessin canvas').length >= 2);
  const afterScroll = await canvases();
  assert.ok(afterScroll < 9, `${afterScroll} charts drawn after one scroll`);
  assert.deepEqual(await places(), before);

  // Printing from the browser's menu: every chart is drawn before the print is laid out.
  const atPrint = await page.evaluate(() => {
    window.dispatchEvent(new Event('beforeprint'));
    return document.querySelectorAll('.graphique__dessin canvas').length;
  });
  assert.equal(atPrint, 9);
  await context.close();
});

test('"Rapport (PDF)" prints the page with every chart drawn, named after the period', async () => {
  const { context, page } = await smallPhoneOnTheStatistics();
  // The print dialog itself is the browser's: what the page hands it is checked.
  await page.evaluate(() => {
    window.print = () => {
      window.printed = { title: document.title, charts: document.querySelectorAll('.graphique__dessin canvas').length };
    };
  });

  await page.getByRole('button', { name: 'Rapport (PDF)' }).tap();

  const printed = await (await page.waitForFunction(() => window.printed)).jsonValue();
  assert.deepEqual(printed, { title: 'conum_statistiques_2026-01-01_2026-02-28', charts: 9 });
  await context.close();
});

test('the PDF report holds the period and every figure, on at most two A4 pages', async () => {
  const { context, page } = await statisticsOf('2026-01-01', '2026-02-28');

  await page.emulateMedia({ media: 'print' });
  const dir = mkdtempSync(join(tmpdir(), 'conum-pdf-'));
  try {
    const pdf = join(dir, 'conum_statistiques_2026-01-01_2026-02-28.pdf');
    await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
    // Words as the PDF holds them, whatever the line breaks of the layout.
    const text = execFileSync('pdftotext', [pdf, '-']).toString().replace(/\s+/g, ' ');
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf]).toString())[1]);

    assert.ok(pages >= 1 && pages <= 2, `${pages} pages`);
    for (const expected of ['Du 01/01/2026 au 28/02/2026', 'Camille Martin', 'Médiathèque Jean Macé',
      '10 Accompagnements', '7 Nouveaux usagers', 'Participants aux ateliers', 'Demandes', 'ponctuelles', 'individuels',
      // Every section's data, shares included.
      'Moins de 12 ans', '33,3 %', 'Cumul',
      'Usagers avec suivi', '6 (60 %)', '2 h 30', 'Thèmes des accompagnements', 'Évolution des accompagnements',
      '3 Comptes rendus', 'Évolution des comptes rendus',
      'Tranches d\'âge des usagers', 'Statut des usagers', 'Réorientations', 'Temps par activité', 'Durée des accompagnements']) {
      assert.ok(text.includes(expected), `the PDF says "${expected}"\n${text}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await context.close();
});

test('axe-core finds no violation on the statistics page', async () => {
  const { context, page } = await statisticsOf('2026-01-01', '2026-01-31');
  await page.getByText('Voir les données').first().tap();
  assert.deepEqual(await axeViolations(page), []);
  await context.close();
});
