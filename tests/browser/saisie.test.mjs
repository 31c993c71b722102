// Issue 3's proofs on a 390×844 touch phone: the one-tap form, communes, "Comme la dernière
// fois", Annuler, history with Modifier / Dupliquer / Supprimer, profile, accessibility.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import {
  serverAndBrowser, newPhone, open, signUp, serverRecords, todayInParis,
  axeViolations, tapCounter, eventually,
} from './support.mjs';

const shared = serverAndBrowser();

/** A phone with a fresh conseiller of Lyon, on the entry form. */
async function phoneOnTheForm(commune) {
  const context = await newPhone(shared.browser);
  const page = await context.newPage();
  await signUp(page, shared.server, commune);
  await open(page, `${shared.server.url}/`);
  await page.getByRole('heading', { name: 'Nouvel accompagnement' }).waitFor();
  return { context, page };
}

const button = (page, name) => page.getByRole('button', { name, exact: true });

test('an individual accompaniment takes 6 taps and is stored with every field right', async () => {
  const { context, page } = await phoneOnTheForm();
  const fingers = tapCounter();

  await fingers.tap(button(page, 'Accompagnement individuel'));
  await fingers.tap(button(page, 'Plus de 60 ans'));
  await fingers.tap(button(page, 'Retraité(e)'));
  await fingers.tap(button(page, 'Courriels'));
  await fingers.tap(button(page, '30 min'));
  await fingers.tap(button(page, 'Enregistrer'));
  await page.getByText('Accompagnement enregistré', { exact: true }).waitFor();
  await page.getByText('Envoyé.').waitFor();

  assert.ok(fingers.taps <= 6, `${fingers.taps} taps`);
  const [record, ...others] = await serverRecords(page, shared.server);
  assert.equal(others.length, 0);
  assert.match(record.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
  assert.deepEqual(
    { ...record, id: undefined, created_at: undefined, updated_at: undefined },
    {
      id: undefined,
      created_at: undefined,
      updated_at: undefined,
      date: todayInParis(),
      activite: 'individuel',
      participants: 1,
      deja_accompagnes: null,
      commune: { insee: '69123', nom: 'Lyon', code_postal: '69001' },
      canal: 'rattachement',
      ages: { plus_60: 1 },
      statuts: { retraite: 1 },
      thematiques: ['courriel'],
      duree_minutes: 30,
      suivi: { individuel: 0, atelier: 0, redirection: 0 },
      redirections: [],
      annotation: null,
    },
  );
  // The form is ready for the next one, with its defaults.
  assert.equal(await button(page, 'Courriels').getAttribute('aria-pressed'), 'false');
  assert.equal(await button(page, 'Lieu de rattachement').getAttribute('aria-pressed'), 'true');
  await context.close();
});

test('a finger saves as it lifts, once; lifted away from "Enregistrer" it saves nothing', async () => {
  const { context, page } = await phoneOnTheForm();
  const cdp = await context.newCDPSession(page);
  /** A finger pressed at `from` and lifted at `to` (page coordinates), as the screen sends it. */
  const press = async (from, to) => {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [from] });
    if (to !== from) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [to] });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  };
  const centre = async (locator) => {
    const box = await locator.boundingBox();
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  };
  for (const name of ['Accompagnement individuel', 'Plus de 60 ans', 'Retraité(e)', 'Courriels', '30 min']) {
    await button(page, name).tap();
  }
  const enregistrer = button(page, 'Enregistrer');
  await enregistrer.scrollIntoViewIfNeeded();

  // Pressed on "Enregistrer", slid onto the title and lifted there: the conseiller changed
  // their mind (or was scrolling). Nothing is saved.
  const onButton = await centre(enregistrer);
  const away = await centre(page.getByRole('heading', { name: 'Nouvel accompagnement' }));
  await press(onButton, away);
  await page.waitForTimeout(1000);
  assert.equal(await page.locator('#confirmation-saisie').count(), 0);
  // Nor any confirmation: the hidden one rehearsed after the first paint is gone.
  assert.equal(await page.locator('.confirmation').count(), 0);
  assert.deepEqual(await serverRecords(page, shared.server), []);

  // A tap: saved once. The browser's own click comes after the lift; were it a second save,
  // it would find the blank form and say that it is not saved.
  await enregistrer.scrollIntoViewIfNeeded();
  await press(await centre(enregistrer), await centre(enregistrer));
  await page.getByText('Accompagnement enregistré', { exact: true }).waitFor();
  await page.getByText('Envoyé.').waitFor();
  await page.waitForTimeout(1500);
  assert.equal(await page.getByText('L\'accompagnement n\'est pas enregistré', { exact: false }).count(), 0);
  assert.equal(await page.locator('#confirmation-saisie').count(), 1);
  assert.equal((await serverRecords(page, shared.server)).length, 1);
  await context.close();
});

test('a workshop of 8 is split 3/5 by age; the form refuses to save while one is left', async () => {
  const { context, page } = await phoneOnTheForm();
  const fingers = tapCounter();

  await fingers.tap(button(page, 'Atelier collectif'));
  assert.equal(await page.locator('#participants').inputValue(), '5');
  for (let i = 0; i < 3; i++) await fingers.tap(button(page, 'Augmenter : Nombre de participants'));
  assert.equal(await page.locator('#participants').inputValue(), '8');
  await fingers.tap(button(page, 'Moins de 12 ans'));
  await fingers.tap(button(page, '12 - 18 ans'));
  for (let i = 0; i < 4; i++) await fingers.tap(button(page, 'Une personne de plus : 12 - 18 ans'));
  await fingers.tap(button(page, 'Non renseigné ou hétérogène'));
  await fingers.tap(button(page, 'Prévenir les fraudes et le harcèlement'));
  await fingers.tap(button(page, '1 h 30'));
  await fingers.tap(button(page, 'Une personne de moins : 12 - 18 ans'));
  await page.locator('#champ-ages').getByText('reste 1 à répartir').waitFor();

  await fingers.tap(button(page, 'Enregistrer'));

  await page.getByText("Répartissez les participants par tranche d'âge : reste 1 à répartir.").waitFor();
  const focused = await page.evaluate(() => document.activeElement.closest('fieldset')?.id);
  assert.equal(focused, 'champ-ages');
  assert.deepEqual(await serverRecords(page, shared.server), []);

  await fingers.tap(button(page, 'Une personne de plus : 12 - 18 ans'));
  await fingers.tap(button(page, 'Enregistrer'));
  await page.getByText('Accompagnement enregistré', { exact: true }).waitFor();
  await page.getByText('Envoyé.').waitFor();
  const [record] = await serverRecords(page, shared.server);
  assert.equal(record.activite, 'collectif');
  assert.equal(record.participants, 8);
  assert.deepEqual(record.ages, { moins_12: 3, de_12_a_18: 5 });
  assert.deepEqual(record.statuts, { non_renseigne: 8 });
  assert.equal(record.duree_minutes, 90);
  await context.close();
});

test('communes are found by postal code, by name without accents or "saint", and stored by INSEE code', async () => {
  const { context, page } = await phoneOnTheForm();
  await button(page, 'Changer de commune').tap();
  const search = page.getByLabel('Rechercher une commune');
  const results = page.locator('#commune-resultats');

  // The profile's commune is offered before anything is typed.
  await results.getByRole('button', { name: 'Lyon 69001' }).waitFor();

  await search.fill('75011');
  await results.getByRole('button', { name: 'Paris 11e Arrondissement 75011' }).waitFor();
  await results.getByRole('button', { name: 'Paris 75011' }).waitFor();

  // A whole postal code shows every commune that has it, however many; with a name, in
  // either order, the one meant.
  await search.fill('76560');
  await results.getByRole('button', { name: 'Étalleville 76560' }).waitFor();
  assert.equal(await results.getByRole('button', { name: /76560$/ }).count(), 25);
  for (const typed of ['76560 etalleville', 'etalleville 76560']) {
    await search.fill(typed);
    await results.getByRole('button', { name: 'Étalleville 76560' }).waitFor();
    assert.equal(await results.getByRole('button').count(), 1, typed);
  }

  const start = Date.now();
  await search.fill('saint etienne');
  await results.getByRole('button', { name: 'Saint-Étienne 42000' }).waitFor();
  assert.ok(Date.now() - start < 1000, 'search answers at once');
  assert.equal(
    await results.getByRole('button').first().innerText().then((t) => t.replace(/\s+/g, ' ').trim()),
    'Saint-Étienne 42000',
  );

  await search.fill('Évry');
  await results.getByRole('button', { name: 'Évry-Courcouronnes 91000' }).tap();
  await page.locator('.commune-choisie').getByText('Évry-Courcouronnes').waitFor();

  await button(page, 'Accompagnement individuel').tap();
  await button(page, '18 - 35 ans').tap();
  await button(page, 'Sans emploi').tap();
  await button(page, 'Emploi, formation').tap();
  await button(page, '1 h').tap();
  await button(page, 'Enregistrer').tap();
  await page.getByText('Accompagnement enregistré', { exact: true }).waitFor();
  await page.getByText('Envoyé.').waitFor();
  const [record] = await serverRecords(page, shared.server);
  assert.deepEqual(record.commune, { insee: '91228', nom: 'Évry-Courcouronnes', code_postal: '91000' });

  // The commune used last comes first next time.
  await button(page, 'Changer de commune').tap();
  await results.getByRole('button', { name: 'Évry-Courcouronnes 91000' }).waitFor();
  await context.close();
});

test('"Comme la dernière fois" then Enregistrer records the same accompaniment again in 2 taps', async () => {
  const { context, page } = await phoneOnTheForm();
  await button(page, 'Atelier collectif').tap();
  await button(page, 'Plus de 60 ans').tap();
  await button(page, 'Retraité(e)').tap();
  await button(page, 'Applications smartphone').tap();
  await button(page, 'Échanger avec ses proches').tap();
  await button(page, '2 h').tap();
  await page.locator('#date').fill('2026-01-15');
  await button(page, 'Enregistrer').tap();
  await page.getByText('Accompagnement enregistré', { exact: true }).waitFor();
  await page.getByText('Envoyé.').waitFor();
  const fingers = tapCounter();

  await fingers.tap(button(page, 'Comme la dernière fois'));
  await fingers.tap(button(page, 'Enregistrer'));

  assert.equal(fingers.taps, 2);
  await eventually(async () => (await serverRecords(page, shared.server)).length === 2, 10_000, 'second record stored');
  const [second, first] = await serverRecords(page, shared.server);
  assert.notEqual(second.id, first.id);
  assert.equal(first.date, '2026-01-15');
  // The day of entry chosen for the first stays for the next record (thumb.test.mjs).
  assert.equal(second.date, '2026-01-15');
  const same = (r) => ({ ...r, id: 0, date: 0, created_at: 0, updated_at: 0 });
  assert.deepEqual(same(second), same(first));
  await context.close();
});

test('Annuler within 10 seconds removes the record from the server', async () => {
  const { context, page } = await phoneOnTheForm();
  await button(page, 'Demande ponctuelle').tap();
  await button(page, '35 - 60 ans').tap();
  await button(page, 'En emploi').tap();
  await button(page, 'Démarche en ligne').tap();
  await button(page, '15 min').tap();
  await button(page, 'Enregistrer').tap();
  await page.getByText('Accompagnement enregistré', { exact: true }).waitFor();
  await page.getByText('Envoyé.').waitFor();
  assert.equal((await serverRecords(page, shared.server)).length, 1);

  await button(page, 'Annuler').tap();

  await page.getByText("Saisie annulée : l'accompagnement est supprimé.").waitFor();
  await eventually(async () => (await serverRecords(page, shared.server)).length === 0, 5000, 'record deleted on the server');
  await context.close();
});

test('the history opens a record that can be modified, duplicated and deleted', async () => {
  const { context, page } = await phoneOnTheForm();
  await button(page, 'Accompagnement individuel').tap();
  await button(page, 'Moins de 12 ans').tap();
  await button(page, 'Scolarisé(e) ou étudiant(e)').tap();
  await button(page, 'Scolarité').tap();
  await button(page, '45 min').tap();
  await page.locator('#date').fill('2026-11-02');
  await button(page, 'Enregistrer').tap();
  await page.getByText('Accompagnement enregistré', { exact: true }).waitFor();
  await page.getByText('Envoyé.').waitFor();

  await page.getByRole('link', { name: 'Historique' }).tap();
  await page.getByRole('heading', { name: 'lundi 2 novembre 2026' }).waitFor();
  await page.getByRole('link', { name: /Accompagnement individuel/ }).tap();
  await page.getByRole('heading', { name: 'Accompagnement individuel' }).waitFor();
  await page.getByText('Scolarité').waitFor();

  await page.getByRole('link', { name: 'Modifier' }).tap();
  await page.getByRole('heading', { name: "Modifier l'accompagnement" }).waitFor();
  await button(page, '1 h 30').tap();
  await button(page, 'Enregistrer les modifications').tap();
  await page.getByRole('heading', { name: 'Accompagnement individuel' }).waitFor();
  await page.getByText('1 h 30').waitFor();
  let records;
  await eventually(async () => {
    records = await serverRecords(page, shared.server);
    return records.length === 1 && records[0].duree_minutes === 90;
  }, 5000, 'the change on the server');
  const original = records[0].id;

  await page.getByRole('link', { name: 'Dupliquer' }).tap();
  await page.getByRole('heading', { name: "Dupliquer l'accompagnement" }).waitFor();
  assert.equal(await page.locator('#date').inputValue(), todayInParis());
  await button(page, 'Enregistrer').tap();
  await page.getByRole('heading', { name: 'Accompagnement individuel' }).waitFor();
  await eventually(async () => {
    records = await serverRecords(page, shared.server);
    return records.length === 2;
  }, 5000, 'the copy on the server');
  const copy = records.find((r) => r.id !== original);
  assert.equal(copy.date, todayInParis());
  assert.equal(copy.duree_minutes, 90);
  assert.deepEqual(copy.thematiques, ['scolaire']);

  // The copy's own page (the heading above may still be the page being left).
  await page.waitForURL(`**/accompagnements/${copy.id}`);
  await eventually(async () => {
    if (await button(page, 'Confirmer la suppression').isVisible()) return true;
    await button(page, 'Supprimer').tap({ timeout: 2000 }).catch(() => {});
    return button(page, 'Confirmer la suppression').isVisible();
  }, 10_000, 'the deletion asked to be confirmed');
  await button(page, 'Confirmer la suppression').tap();
  await page.getByRole('heading', { name: 'Mes accompagnements' }).waitFor();
  await eventually(async () => (await serverRecords(page, shared.server)).length === 1, 5000, 'the deletion on the server');
  records = await serverRecords(page, shared.server);
  assert.deepEqual(records.map((r) => r.id), [original]);
  await context.close();
});

test('the profile changes the form defaults at once', async () => {
  const { context, page } = await phoneOnTheForm();
  await page.getByRole('link', { name: 'Profil' }).tap();
  await button(page, 'Changer de commune').tap();
  await page.getByLabel('Rechercher une commune').fill('13001');
  await page.getByRole('button', { name: 'Marseille 13001' }).tap();
  await page.getByLabel('Département').fill('13');
  await button(page, 'Enregistrer mon profil').tap();
  await page.getByText('Profil enregistré.').waitFor();

  await page.getByRole('link', { name: 'Saisir' }).tap();
  await page.locator('.commune-choisie').getByText('Marseille').waitFor();
  const me = await (await page.request.get(`${shared.server.url}/api/moi`)).json();
  assert.equal(me.commune.insee, '13055');
  await context.close();
});

test('a record can be made with the keyboard alone', async () => {
  const context = await shared.browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  const page = await context.newPage();
  await signUp(page, shared.server);
  await open(page, `${shared.server.url}/`);
  await page.getByRole('heading', { name: 'Nouvel accompagnement' }).waitFor();

  // Tab goes from row to row of tags (one stop each), the arrows along a row.
  const here = () => page.evaluate(() => ({
    text: document.activeElement?.textContent?.trim(),
    inRow: document.activeElement?.closest('[role=toolbar]')?.querySelectorAll('.fr-tag').length ?? 0,
  }));
  const pressOn = async (name) => {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      let now = await here();
      for (let step = 0; step < now.inRow && now.text !== name; step++) {
        await page.keyboard.press('ArrowRight');
        now = await here();
      }
      if (now.text === name) {
        await page.keyboard.press('Enter');
        return;
      }
    }
    throw new Error(`no focusable "${name}"`);
  };
  await pressOn('Accompagnement individuel');
  await pressOn('Plus de 60 ans');
  await pressOn('Retraité(e)');
  await pressOn('Courriels');
  await pressOn('30 min');
  await pressOn('Enregistrer');
  await page.getByText('Accompagnement enregistré', { exact: true }).waitFor();
  await page.getByText('Envoyé.').waitFor();
  assert.equal((await serverRecords(page, shared.server)).length, 1);
  await context.close();
});

test('axe-core finds no violation on the form, the history and the login page', async () => {
  const { context, page } = await phoneOnTheForm();
  // The form with errors shown, the harder case.
  await button(page, 'Atelier collectif').tap();
  await button(page, 'Moins de 12 ans').tap();
  await button(page, 'Une personne de moins : Moins de 12 ans').tap();
  await button(page, 'Enregistrer').tap();
  await page.getByText('Choisissez au moins une thématique.').waitFor();
  assert.deepEqual(await axeViolations(page), [], 'form');

  await open(page, `${shared.server.url}/historique`);
  await page.getByRole('heading', { name: 'Mes accompagnements' }).waitFor();
  await page.getByText('Aucun accompagnement sur cette période.').waitFor();
  assert.deepEqual(await axeViolations(page), [], 'history');

  const visitor = await shared.browser.newPage();
  await open(visitor, `${shared.server.url}/connexion`);
  assert.deepEqual(await axeViolations(visitor), [], 'login');
  await visitor.close();
  await context.close();
});

test('a phone set to another time zone still dates a new record with the day in Paris', async () => {
  // Kiritimati is 13 hours ahead of Paris in winter (12 in summer): for half the day its date
  // is not Paris's. The form must date the record with Paris's day whatever the phone says.
  const context = await shared.browser.newContext({
    viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, locale: 'fr-FR', timezoneId: 'Pacific/Kiritimati',
  });
  const page = await context.newPage();
  await signUp(page, shared.server);
  await open(page, `${shared.server.url}/`);
  assert.equal(await page.locator('#date').inputValue(), todayInParis());
  await context.close();
});

/**
 * The controls of the page that something else covers where they show on screen: the points
 * of each control inside the visible part of its scrolling area must hit the control itself.
 */
async function coveredControls(page) {
  return page.evaluate(() => {
    const covered = [];
    for (const control of document.querySelectorAll('main button, main a, main input, main summary, main textarea')) {
      const box = control.getBoundingClientRect();
      // Not drawn (a closed <details>, say): nothing to tap.
      if (box.width === 0 || box.height === 0 || !control.checkVisibility({ visibilityProperty: true })) continue;
      let top = Math.max(box.top, 0);
      let bottom = Math.min(box.bottom, window.innerHeight);
      for (let parent = control.parentElement; parent; parent = parent.parentElement) {
        if (getComputedStyle(parent).overflowY === 'visible') continue;
        const clip = parent.getBoundingClientRect();
        top = Math.max(top, clip.top);
        bottom = Math.min(bottom, clip.bottom);
      }
      const x = (box.left + box.right) / 2;
      for (let y = top + 1; y < bottom - 1; y += 4) {
        const hit = document.elementFromPoint(x, y);
        if (hit && hit !== control && !control.contains(hit)) {
          covered.push(`${control.textContent.trim() || control.outerHTML.slice(0, 60)} under ${hit.textContent.trim().slice(0, 30) || hit.tagName}`);
          break;
        }
      }
    }
    return covered;
  });
}

test('nothing covers a control of the form, whatever the screen and the scroll', async () => {
  for (const viewport of [{ width: 412, height: 823 }, { width: 360, height: 640 }, { width: 800, height: 1000 }]) {
    const context = await newPhone(shared.browser, viewport);
    const page = await context.newPage();
    await signUp(page, shared.server);
    // A last record, for "Comme la dernière fois" above the form (Lighthouse's case).
    await open(page, `${shared.server.url}/`);
    for (const name of ['Accompagnement individuel', 'Plus de 60 ans', 'Retraité(e)', 'Courriels', '30 min', 'Enregistrer']) {
      await button(page, name).tap();
    }
    await page.getByText('Envoyé.').waitFor();
    await open(page, `${shared.server.url}/`);
    await button(page, 'Comme la dernière fois').waitFor();
    await page.mouse.move(viewport.width / 2, viewport.height / 2);
    for (let step = 0; step < 12; step += 1) {
      assert.deepEqual(await coveredControls(page), [], `${viewport.width}×${viewport.height}, scroll step ${step}`);
      await page.mouse.wheel(0, viewport.height / 3);
      await page.waitForTimeout(100);
    }
    const scrolled = await page.evaluate(() => Math.max(window.scrollY, document.querySelector('main').scrollTop));
    assert.ok(scrolled > viewport.height / 2, `the page scrolled ${scrolled} px`);
    await context.close();
  }
});

test('screenshots of the form at 360×640 and 1280×800', { skip: !process.env.UPDATE_SCREENSHOTS }, async () => {
  mkdirSync('docs/screenshots', { recursive: true });
  for (const [width, height] of [[360, 640], [1280, 800]]) {
    const context = await newPhone(shared.browser, { width, height });
    const page = await context.newPage();
    await signUp(page, shared.server);
    await open(page, `${shared.server.url}/`);
    await page.getByRole('heading', { name: 'Nouvel accompagnement' }).waitFor();
    await button(page, 'Accompagnement individuel').tap();
    await button(page, 'Plus de 60 ans').tap();
    await page.evaluate(() => { window.scrollTo(0, 0); document.querySelector('main').scrollTo(0, 0); });
    await page.screenshot({ path: `docs/screenshots/saisie-${width}x${height}.png` });
    await context.close();
  }
});
