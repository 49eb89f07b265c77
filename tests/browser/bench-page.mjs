// bench-page.mjs - `tools/studio bench page`: what a user of the page waits for and downloads.
// 1. The page's weight: every file the service worker precaches, gzipped (-9), by kind, and
//    what one visit really fetches (the shell plus one of the two WASM builds).
// 2. A 12 MP photo in headless Chromium, cross-origin isolated (threaded build): from the file
//    given to the page to its thumbnail and view (open), and from "Enhance low-light" to the
//    result on screen; medians of 3, with the main thread's longest task meanwhile.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { serve, launch, openPage } from './browser.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUILD = process.env.ES_BUILD || path.join(ROOT, 'build');
const BIG = path.join(BUILD, 'bench', 'kodim05-12mp-low.png');
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function weight() {
  const text = fs.readFileSync(path.join(ROOT, 'web', 'gen', 'assets.js'), 'utf8');
  const list = text.slice(text.indexOf('ES_ASSETS'));
  const files = [...list.matchAll(/'([^']+)'/g)].map((m) => m[1]).filter((f) => f !== './');
  files.push('sw.js', 'gen/assets.js');
  const kinds = {};
  const gz = (f) => zlib.gzipSync(fs.readFileSync(path.join(ROOT, 'web', f)), { level: 9 }).length;
  const sizes = Object.fromEntries(files.map((f) => [f, gz(f)]));
  for (const [f, n] of Object.entries(sizes)) {
    const kind = f.endsWith('.wasm') ? (f.includes('-mt') ? 'wasm (threaded)' : 'wasm (single thread)')
      : /studio-(st|mt)(\.worker)?\.m?js$/.test(f) ? 'WASM glue JS' : f.split('.').pop().toUpperCase();
    kinds[kind] = (kinds[kind] || 0) + n;
  }
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log('Page weight, gzipped -9 (what the service worker precaches):');
  for (const [k, n] of Object.entries(kinds).sort()) console.log(`  ${k.padEnd(22)} ${kb(n).padStart(10)}`);
  const all = Object.values(sizes).reduce((a, b) => a + b, 0);
  const shell = Object.entries(sizes).filter(([f]) => !f.startsWith('gen/studio-')).reduce((a, [, n]) => a + n, 0);
  const build = (b) => Object.entries(sizes).filter(([f]) => f.startsWith(`gen/studio-${b}`)).reduce((a, [, n]) => a + n, 0);
  console.log(`  ${'all precached'.padEnd(22)} ${kb(all).padStart(10)}`);
  console.log(`  what the first load runs, threaded:      ${kb(shell + build('mt'))} (HTML+JS+CSS+icons ${kb(shell)} + threaded build ${kb(build('mt'))})`);
  console.log(`  what the first load runs, single thread: ${kb(shell + build('st'))}; the service worker then fetches the other build`);
}

async function twelveMegapixels() {
  if (!fs.existsSync(BIG)) { console.log(`(no 12 MP figures: ${BIG} missing; tools/studio bench enhance writes it)`); return; }
  const server = await serve();
  const browser = await launch();
  try {
    const { page } = await openPage(browser, server.url);
    const build = await page.evaluate(() => document.documentElement.dataset.build);
    const opens = [], runs = [], totals = [], longest = [];
    for (let r = 0; r < 3; r++) {
      await page.evaluate(() => {
        window.longTasks = [];
        new PerformanceObserver((l) => window.longTasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
      });
      const t0 = Date.now();
      await page.getByLabel('Open images').setInputFiles([BIG]);
      await page.waitForFunction(() => document.querySelector('#queue li:last-child')?.dataset.state === 'ready', null, { timeout: 120000 });
      await page.waitForFunction(() => document.querySelector('#viewer').classList.contains('has-image'));
      const t1 = Date.now();
      await page.getByRole('button', { name: 'Enhance low-light' }).click();
      await page.waitForFunction(() => document.querySelector('#queue li:last-child')?.dataset.shownMs, null, { timeout: 120000 });
      const t2 = Date.now();
      opens.push(t1 - t0); runs.push(t2 - t1); totals.push(t2 - t0);
      longest.push(Math.max(0, ...await page.evaluate(() => window.longTasks)));
      await page.waitForFunction(() => !document.querySelector('#clear').disabled);
      await page.getByRole('button', { name: 'Clear' }).click();
    }
    console.log(`12 MP photo (4242x2828 PNG, 23.5 MB) in Chromium, ${build === 'mt' ? 'threaded build' : 'single-thread build'}, medians of 3:`);
    console.log(`  file given to the page -> thumbnail and view:  ${(median(opens) / 1000).toFixed(2)} s`);
    console.log(`  "Enhance low-light" -> result on screen:       ${(median(runs) / 1000).toFixed(2)} s`);
    console.log(`  drop to displayed result:                       ${(median(totals) / 1000).toFixed(2)} s`);
    console.log(`  longest main-thread task meanwhile:             ${Math.round(Math.max(...longest))} ms`);
  } finally {
    await browser.close();
    server.stop();
  }
}

weight();
await twelveMegapixels();
