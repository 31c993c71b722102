// Vendors the parts of the French State design system (npm @gouvfr/dsfr) that Conum uses
// into public/dsfr/: one stylesheet (core + the components below), the Marianne fonts and
// the icons that stylesheet points to. Run: node scripts/dsfr.mjs (the output is committed;
// run it again after using a DSFR class the code did not name before: only the rules of the
// classes named in src/ and public/ are kept).
// The fonts are cut down to the characters French text uses (Latin-1, œ, typographic
// punctuation): the full Marianne files carry Greek, Cyrillic and Vietnamese, and halved, the
// three weights a page loads cost a phone 88 KB less on its first visit. A character outside
// the set is drawn in the system font. Each font is cut in two: the characters of French (what
// every page and nearly every name or commune needs) and the rest of the set, which the
// browser fetches only for a page that shows one of them (`unicode-range`): a first visit
// loads three files of ~10 KB instead of ~13 KB.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = '@gouvfr/dsfr@1.15.3';
const COMPONENTS = ['button', 'tag', 'form', 'input', 'checkbox', 'radio', 'alert', 'link', 'badge', 'segmented'];

const SUBSET_FONT = 'subset-font@2.9.0';
const PURGECSS = 'purgecss@8.0.0';
const FRENCH = [
  [0x20, 0x7e], [0xa0, 0xff], // ASCII, Latin-1 (accents, « », no-break space, °)
  [0x152, 0x153], [0x178, 0x178], // Œ œ Ÿ
  [0x2010, 0x2014], [0x2018, 0x201e], [0x2022, 0x2022], [0x2026, 0x2026], // – — ‘ ’ “ ” • …
  [0x202f, 0x202f], [0x20ac, 0x20ac], [0x2192, 0x2192], [0x2212, 0x2212], // narrow nbsp € → −
];

// The characters of French: what the pages write and what French names and communes use.
const CORE = [
  [0x20, 0x7e], [0xa0, 0xa0], [0xab, 0xab], [0xb0, 0xb0], [0xb7, 0xb7], [0xbb, 0xbb], // « ° · »
  [0xc0, 0xc0], [0xc2, 0xc2], [0xc4, 0xc4], [0xc6, 0xcb], [0xce, 0xcf], [0xd4, 0xd4], // À Â Ä Æ Ç È É Ê Ë Î Ï Ô
  [0xd6, 0xd7], [0xd9, 0xd9], [0xdb, 0xdc], [0xe0, 0xe0], [0xe2, 0xe2], [0xe4, 0xe4], // Ö × Ù Û Ü à â ä
  [0xe6, 0xeb], [0xee, 0xef], [0xf4, 0xf4], [0xf6, 0xf6], [0xf9, 0xf9], [0xfb, 0xfc], [0xff, 0xff],
  [0x152, 0x153], [0x178, 0x178],
  [0x2010, 0x2014], [0x2018, 0x201e], [0x2022, 0x2022], [0x2026, 0x2026],
  [0x202f, 0x202f], [0x20ac, 0x20ac], [0x2192, 0x2192], [0x2212, 0x2212],
];
const codePoints = (ranges) => ranges.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => from + i));
const inCore = new Set(codePoints(CORE));
const EXTRA = codePoints(FRENCH).filter((c) => !inCore.has(c));
/** `unicode-range` of code points, runs merged. */
function unicodeRange(points) {
  const runs = [];
  for (const p of [...points].sort((a, b) => a - b)) {
    const last = runs[runs.length - 1];
    if (last && last[1] === p - 1) last[1] = p; else runs.push([p, p]);
  }
  return runs.map(([a, b]) => (a === b ? `U+${a.toString(16)}` : `U+${a.toString(16)}-${b.toString(16)}`)).join(',');
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'public', 'dsfr');
const work = mkdtempSync(join(tmpdir(), 'dsfr-'));
try {
  // `npm pack` only downloads: the package's own install scripts never run.
  const tarball = execFileSync('npm', ['pack', PACKAGE, '--silent'], { cwd: work }).toString().trim();
  execFileSync('tar', ['xzf', tarball], { cwd: work });
  const dist = join(work, 'package', 'dist');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });

  const sheets = [join(dist, 'core', 'core.main.min.css'),
    ...COMPONENTS.map((c) => join(dist, 'component', c, `${c}.main.min.css`))];
  let css = `/* ${PACKAGE} (MIT): core + ${COMPONENTS.join(', ')}. Made by scripts/dsfr.mjs. */\n`;
  for (const sheet of sheets) {
    const from = dirname(sheet);
    css += readFileSync(sheet, 'utf8')
      // Only woff2 is shipped: every browser Conum supports reads it.
      .replace(/,\s*url\([^)]*\.woff\)\s*format\(["']woff["']\)/g, '')
      .replace(/url\((["']?)(\.\.\/[^)"']+)\1\)/g, (_, quote, relative) => {
        const file = join(from, relative);
        const target = relative.replace(/^(\.\.\/)+/, '');
        mkdirSync(join(out, dirname(target)), { recursive: true });
        if (existsSync(file)) copyFileSync(file, join(out, target));
        return `url(${quote}${target}${quote})`;
      }) + '\n';
  }
  execFileSync('npm', ['install', '--silent', '--no-save', '--ignore-scripts', SUBSET_FONT, PURGECSS], { cwd: work });

  // Only the rules whose classes Conum's pages, components and scripts name: every page
  // matches its elements against each rule the phone parsed, and 313 KB of rules cost a slow
  // phone its first paint. A class built at run time must be written whole in the code.
  const { PurgeCSS } = await import(join(work, 'node_modules', 'purgecss', 'lib', 'purgecss.js'));
  const content = [...sourceFiles(join(root, 'src')), ...sourceFiles(join(root, 'public'))]
    .filter((file) => /\.(rs|js|html)$/.test(file) && !file.includes(`${join('public', 'dsfr')}`));
  // The DSFR's custom properties too (its colour tokens: 55 KB of `:root` that every page
  // parsed and resolved before its first paint): only those a kept rule reads, directly or
  // through another, and those Conum's own style and code read (`var(--…)` in assets/main.css).
  const ownVariables = readVariables(css, [...content, join(root, 'index.html'), join(root, 'assets', 'main.css')]
    .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/var\((--[\w-]+)/g)].map((m) => m[1])));
  const [purged] = await new PurgeCSS().purge({
    content: [...content, join(root, 'index.html')],
    css: [{ raw: css }],
    fontFace: true,
    keyframes: true,
    variables: true,
    safelist: { variables: ownVariables },
    // The DSFR's own state attributes, set by Conum's components and checked in its rules.
    dynamicAttributes: ['aria-pressed', 'aria-current', 'aria-expanded', 'aria-invalid', 'aria-disabled', 'disabled', 'open', 'checked'],
  });
  // Each font face in two files: French, and the rest for the pages that need it.
  const split = purged.css.replace(/@font-face\s*{([^}]*)src:\s*url\(([^)]*)\.woff2\)([^}]*)}/g,
    (_, before, file, after) => `@font-face{${before}src:url(${file}.woff2)${after};unicode-range:${unicodeRange(codePoints(CORE))}}`
      + `@font-face{${before}src:url(${file}-extra.woff2)${after};unicode-range:${unicodeRange(EXTRA)}}`);
  const kept = `/* ${PACKAGE} (MIT): core + ${COMPONENTS.join(', ')}, only the rules Conum uses. Made by scripts/dsfr.mjs. */\n${split}`;
  writeFileSync(join(out, 'dsfr.min.css'), kept);
  console.log(`public/dsfr/dsfr.min.css: ${kept.length} bytes (${css.length} before keeping the rules Conum uses)`);
  // The icons the kept rules no longer point to are not shipped.
  for (const file of sourceFiles(join(out, 'icons'))) {
    if (!kept.includes(file.slice(out.length + 1))) rmSync(file);
  }


  const { default: subsetFont } = await import(join(work, 'node_modules', 'subset-font', 'index.js'));
  const text = (points) => String.fromCodePoint(...points);
  const fonts = join(out, 'fonts');
  for (const name of readdirSync(fonts).filter((f) => f.endsWith('.woff2'))) {
    const font = join(fonts, name);
    const full = readFileSync(font);
    for (const [points, file] of [[codePoints(CORE), name], [EXTRA, name.replace(/\.woff2$/, '-extra.woff2')]]) {
      const subset = await subsetFont(full, text(points), {
        targetFormat: 'woff2',
        // What a browser shapes French text with by default (no rule of the CSS asks for
        // another feature: figures, small caps, alternates), without the hinting instructions
        // that Android's and Linux's rasterizers ignore: 29 → 13 KB per font.
        keepFeatures: ['calt', 'ccmp', 'locl', 'liga', 'clig', 'rlig', 'kern', 'mark', 'mkmk'],
        noHinting: true,
      });
      writeFileSync(join(fonts, file), subset);
      console.log(`public/dsfr/fonts/${file}: ${subset.length} bytes`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** `names` and every custom property their definitions in `css` read, through any number of
 *  others (PurgeCSS keeps a safelisted property but not those it reads). */
function readVariables(css, names) {
  const reads = new Map();
  for (const [, name, value] of css.matchAll(/(--[\w-]+)\s*:([^;}]*)/g)) {
    reads.set(name, [...(reads.get(name) ?? []), ...[...value.matchAll(/var\((--[\w-]+)/g)].map((m) => m[1])]);
  }
  const kept = new Set();
  const next = [...names];
  while (next.length > 0) {
    const name = next.pop();
    if (kept.has(name)) continue;
    kept.add(name);
    next.push(...(reads.get(name) ?? []));
  }
  return [...kept];
}

/** Every file under `dir`. */
function sourceFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}
