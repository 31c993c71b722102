// Renders the app icons (public/icons/*.png) from their SVG sources with headless Chromium,
// so they can be remade identically: node scripts/icons.mjs (the PNGs are committed).
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const icons = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');
const renders = [
  ['conum.svg', 'icon-192.png', 192],
  ['conum.svg', 'icon-512.png', 512],
  ['conum-maskable.svg', 'icon-maskable-512.png', 512],
  ['conum-maskable.svg', 'apple-touch-icon.png', 180],
];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
for (const [source, target, size] of renders) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  const svg = readFileSync(join(icons, source), 'utf8');
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
  await page.screenshot({ path: join(icons, target), omitBackground: true });
  await page.close();
}
await browser.close();
console.log(`${renders.length} icons written to public/icons/`);
