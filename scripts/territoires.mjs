// Builds src/domain/territoires.tsv, the official départements (overseas collectivities
// included) and régions, from the npm package @etalab/decoupage-administratif (fetched with
// `npm pack`, not installed), like scripts/communes.mjs. Compiled into the app (a few KB):
// the profile's département gives the région of the national statistics.
// Run: node scripts/territoires.mjs   (the output is committed; rerun when the list changes)
//
// One line per territory, tab separated: `R`, code, name — or `D`, code, name, région code,
// population (the sum of its communes', which the demo data spreads conseillers by).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = '@etalab/decoupage-administratif@6.0.0';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'territoires-'));
try {
  const tarball = execFileSync('npm', ['pack', PACKAGE, '--silent'], { cwd: work }).toString().trim();
  execFileSync('tar', ['xzf', tarball], { cwd: work });
  const read = (name) => JSON.parse(readFileSync(join(work, 'package', 'data', name), 'utf8'));
  const byCode = (a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  const regions = read('regions.json').sort(byCode);
  const departements = read('departements.json').sort(byCode);
  const population = {};
  for (const c of read('communes.json')) {
    if (c.type !== 'commune-actuelle' || !c.departement) continue;
    population[c.departement] = (population[c.departement] ?? 0) + (c.population ?? 0);
  }
  const lines = [
    ...regions.map((r) => ['R', r.code, r.nom].join('\t')),
    ...departements.map((d) => ['D', d.code, d.nom, d.region, population[d.code] ?? 0].join('\t')),
  ];
  const text = `# ${PACKAGE}: R code nom | D code nom région population\n${lines.join('\n')}\n`;
  writeFileSync(join(root, 'src', 'domain', 'territoires.tsv'), text);
  console.log(`${regions.length} régions, ${departements.length} départements, ${text.length} bytes`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
