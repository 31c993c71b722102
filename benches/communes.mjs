// Benchmark (not a test): time from a keystroke in the commune picker to the results drawn,
// in headless Chromium slowed down 4× (a mid-range phone), over a typical typing sequence.
import { startServer, launchBrowser, newPhone, open, signUp } from '../tests/browser/support.mjs';

const TYPED = ['s', 'sa', 'sai', 'sain', 'saint', 'saint ', 'saint e', 'saint et', 'saint eti',
  '7', '75', '750', '7501', '75011', 'e', 'ev', 'evr', 'evry'];

const server = await startServer();
const browser = await launchBrowser();
try {
  const context = await newPhone(browser);
  const page = await context.newPage();
  await signUp(page, server);
  await open(page, `${server.url}/`);
  await page.getByRole('button', { name: 'Changer de commune', exact: true }).click();
  await page.waitForFunction(() => document.getElementById('commune-recherche'));
  await page.waitForTimeout(1500); // the list is loaded and parsed
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const times = [];
  for (const typed of TYPED) {
    times.push(await page.evaluate(async (text) => {
      const input = document.getElementById('commune-recherche');
      const start = performance.now();
      input.value = text;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      return performance.now() - start;
    }, typed));
  }
  times.sort((a, b) => a - b);
  const at = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1);
  console.log(`\n| commune search, keystroke to results drawn (CPU slowed 4×) | p50 ${at(0.5)} ms | max ${at(1)} ms |`);
} finally {
  await browser.close();
  server.stop();
}
