// One Lighthouse run (its default mobile profile) of a page as a logged-in phone sees it:
// the cookies are set in the browser (a Cookie request header given to Lighthouse would be
// overridden by any cookie the page itself writes, and the app writes one). Prints the report
// (JSON). Used by benches/pages.mjs; Lighthouse and its puppeteer-core are installed there.
//   node benches/lighthouse.mjs <lighthouse dir> <url> <cookies as JSON [{name, value}]>
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, url, cookiesJson] = process.argv.slice(2);
const require = createRequire(join(dir, 'package.json'));
const { default: lighthouse } = await import(pathToFileURL(require.resolve('lighthouse')).href);
const puppeteer = require('puppeteer-core');

const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  headless: 'new',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage();
  const origin = new URL(url).origin;
  await page.setCookie(...JSON.parse(cookiesJson).map(({ name, value }) => ({ name, value, url: origin })));
  const result = await lighthouse(url, {
    output: 'json', logLevel: 'error',
    onlyCategories: ['performance', 'accessibility', 'best-practices'],
  }, undefined, page);
  process.stdout.write(result.report);
} finally {
  await browser.close();
}
