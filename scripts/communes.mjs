// Builds assets/communes.tsv, the official list of French communes shipped with the app,
// from the npm package @etalab/decoupage-administratif (fetched with `npm pack`, not installed).
// Run: node scripts/communes.mjs   (the output is committed; rerun when the list changes)
//
// One line per commune, tab separated: INSEE code, name, postal codes (space separated), and
// the number of digits of its population (a size class that ranks big towns first; the
// département is the INSEE code's prefix, so it is not repeated). Municipal arrondissements (Paris 11e…) are included so that
// a postal code like 75011 finds them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = '@etalab/decoupage-administratif@6.0.0';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'communes-'));
try {
  const tarball = execFileSync('npm', ['pack', PACKAGE, '--silent'], { cwd: work }).toString().trim();
  execFileSync('tar', ['xzf', tarball], { cwd: work });
  const communes = JSON.parse(readFileSync(join(work, 'package', 'data', 'communes.json'), 'utf8'))
    .filter((c) => c.type === 'commune-actuelle' || c.type === 'arrondissement-municipal')
    .filter((c) => (c.codesPostaux ?? []).length > 0)
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const lines = communes.map((c) =>
    [c.code, c.nom, c.codesPostaux.join(' '), String(c.population ?? 0).length].join('\t'));
  const text = `# ${PACKAGE}: insee\tnom\tcodes postaux\tchiffres de la population\n${lines.join('\n')}\n`;
  writeFileSync(join(root, 'assets', 'communes.tsv'), text);
  console.log(`${communes.length} communes, ${text.length} bytes, ${gzipSync(text, { level: 9 }).length} bytes gzipped`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
