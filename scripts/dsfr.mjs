// Vendors the parts of the French State design system (npm @gouvfr/dsfr) that Conum uses
// into public/dsfr/: one stylesheet (core + the components below), the Marianne fonts and
// the icons that stylesheet points to. Run: node scripts/dsfr.mjs (the output is committed).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = '@gouvfr/dsfr@1.15.3';
const COMPONENTS = ['button', 'tag', 'form', 'input', 'checkbox', 'radio', 'alert', 'link', 'badge', 'segmented'];

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
  writeFileSync(join(out, 'dsfr.min.css'), css);
  console.log(`public/dsfr/dsfr.min.css: ${css.length} bytes`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
