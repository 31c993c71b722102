// Vendors ECharts, the chart library the `charming` crate drives in the browser, in the
// version charming 0.6 targets, built with only what the statistics page draws (bars, lines,
// donuts on a canvas; legend, tooltip, ARIA decals, overlapping labels hidden):
// assets/echarts/echarts.min.js (hashed by dx, so browsers cache it for good), about half the
// full build, which a phone parses before the first chart. Loaded by the statistics page only,
// when there is something to draw. charming calls the global `echarts.init`, which this bundle
// defines. Run: node scripts/echarts.mjs (the output is committed).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const PACKAGE = 'echarts@5.5.1';
const ENTRY = `
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { LabelLayout } from 'echarts/features';
import { CanvasRenderer } from 'echarts/renderers';
echarts.use([BarChart, LineChart, PieChart, AriaComponent, GridComponent, LegendComponent,
  TooltipComponent, LabelLayout, CanvasRenderer]);
export * from 'echarts/core';
`;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'echarts-'));
try {
  // `--ignore-scripts`: the packages' own install scripts never run.
  execFileSync('npm', ['install', '--silent', '--no-save', '--ignore-scripts', PACKAGE], { cwd: work });
  const out = join(root, 'assets', 'echarts');
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    stdin: { contents: ENTRY, resolveDir: work, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'echarts',
    target: 'es2019',
    legalComments: 'inline',
    outfile: join(out, 'echarts.min.js'),
  });
  copyFileSync(join(work, 'node_modules', 'echarts', 'LICENSE'), join(out, 'LICENSE'));
  console.log(`assets/echarts/echarts.min.js: ${statSync(join(out, 'echarts.min.js')).size} bytes`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
