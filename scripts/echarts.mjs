// Vendors ECharts, the chart library the `charming` crate drives in the browser, in the
// version charming 0.6 targets: assets/echarts/echarts.min.js (hashed by dx, so browsers
// cache it for good). Loaded by the statistics page only. Run: node scripts/echarts.mjs (the
// output is committed).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = 'echarts@5.5.1';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'echarts-'));
try {
  const tarball = execFileSync('npm', ['pack', PACKAGE, '--silent'], { cwd: work }).toString().trim();
  execFileSync('tar', ['xzf', tarball, 'package/dist/echarts.min.js', 'package/LICENSE'], { cwd: work });
  const out = join(root, 'assets', 'echarts');
  mkdirSync(out, { recursive: true });
  copyFileSync(join(work, 'package', 'dist', 'echarts.min.js'), join(out, 'echarts.min.js'));
  copyFileSync(join(work, 'package', 'LICENSE'), join(out, 'LICENSE'));
  console.log(`assets/echarts/echarts.min.js: ${statSync(join(out, 'echarts.min.js')).size} bytes`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
