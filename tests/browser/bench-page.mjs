// bench-page.mjs - `tools/studio bench page [--visits]`: what a user of the page waits for
// and downloads.
// 0. A cold first visit and a warm second one, in a fresh Chromium profile each time, served
//    by tools/serve.mjs through a recording proxy (tests/browser/netlog.mjs): requests, bytes
//    on the wire and decoded, URLs fetched more than once (by the page, its workers or the
//    service worker) and the time to Ready (html[data-build] set); medians of 3.
//    --visits: only this part.
// 1. The page's weight: every file the service worker keeps, as the build compressed it
//    (brotli and gzip), by kind, with either WASM build.
// 2. A 12 MP photo in headless Chromium, cross-origin isolated (threaded build): from the file
//    given to the page to its thumbnail and view (open), and from "Enhance low-light" to the
//    result on screen; medians of 3, with the main thread's longest task meanwhile.
// 3. Repair's brush (issue 26): a 12 MP photo with a scratch (tests/node/photos.mjs
//    'scratched', 4242x2828) in Repair, healed once; then strokes 200 photo px long (the
//    default 9 px brush; a brush of 13 px or more makes wide holes, healed with the whole photo), each from the mouse released to the part healed again drawn on
//    the page (the page's own figure: #mask-status data-stroke-ms), with the worker's share,
//    the region healed again and the main thread's longest task; medians of 9.
//    --repair: only this part.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { serve, launch, openPage } from './browser.mjs';
import { recordingProxy, visit } from './netlog.mjs';
import { photoFile } from '../node/photos.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUILD = process.env.ES_BUILD || path.join(ROOT, 'build');
const BIG = path.join(BUILD, 'bench', 'kodim05-12mp-low.png');
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// The page's files as the build compressed them (FILE.br / FILE.gz, tools/compress.mjs; made
// here when missing), by kind: what the service worker keeps, per WASM build.
function weight() {
  const text = fs.readFileSync(path.join(ROOT, 'web', 'gen', 'assets.js'), 'utf8');
  const files = [...text.matchAll(/'([^']+)': '[0-9a-f]+'/g)].map((m) => (m[1] === './' ? 'index.html' : m[1]));
  files.push('sw.js', 'gen/assets.js');
  const packed = (f, ext, make) => {
    const file = path.join(ROOT, 'web', f);
    try {
      if (Math.abs(fs.statSync(`${file}.${ext}`).mtimeMs - fs.statSync(file).mtimeMs) < 1) return fs.statSync(`${file}.${ext}`).size;
    } catch { /* not compressed by the build */ }
    return make(fs.readFileSync(file)).length;
  };
  const sizes = Object.fromEntries(files.map((f) => [f, {
    br: packed(f, 'br', (b) => zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } })),
    gz: packed(f, 'gz', (b) => zlib.gzipSync(b, { level: 9 })),
  }]));
  const kinds = {};
  for (const [f, n] of Object.entries(sizes)) {
    const kind = f.endsWith('.wasm') ? (f.includes('-mt') ? 'wasm (threaded)' : 'wasm (single thread)')
      : /studio-(st|mt)(\.worker)?\.m?js$/.test(f) ? `WASM glue JS (${f.includes('-mt') ? 'threaded' : 'single thread'})` : f.split('.').pop().toUpperCase();
    kinds[kind] ||= { br: 0, gz: 0 };
    kinds[kind].br += n.br; kinds[kind].gz += n.gz;
  }
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const sum = (pick) => Object.entries(sizes).filter(([f]) => pick(f)).reduce((a, [, n]) => ({ br: a.br + n.br, gz: a.gz + n.gz }), { br: 0, gz: 0 });
  const both = (n) => `${kb(n.br)} brotli, ${kb(n.gz)} gzip`;
  console.log('Page weight, as the build compressed it (brotli 11 / gzip -9):');
  for (const [k, n] of Object.entries(kinds).sort()) console.log(`  ${k.padEnd(32)} ${kb(n.br).padStart(10)} ${kb(n.gz).padStart(10)}`);
  const shell = sum((f) => !f.startsWith('gen/studio-'));
  console.log(`  the shell (HTML, JS, CSS, icon, manifest, the service worker):   ${both(shell)}`);
  for (const b of ['mt', 'st']) {
    const build = sum((f) => f.startsWith(`gen/studio-${b}`));
    console.log(`  with the ${b === 'mt' ? 'threaded' : 'single-thread'} build (${both(build)}): ${both({ br: shell.br + build.br, gz: shell.gz + build.gz })}`);
  }
  console.log('  (the service worker keeps the shell and the build the browser runs; the other only if asked for)');
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

async function repairStrokes(strokes = 9) {
  const [W, H] = [4242, 2828];
  const t0 = Date.now();
  const file = await photoFile('bench-scratched-12mp.png', { kind: 'scratched', width: W, height: H });
  console.log(`Repair, one brush stroke healed on the page: ${W}x${H} 'scratched' (made in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  const server = await serve();
  const browser = await launch();
  try {
    const { page } = await openPage(browser, server.url);
    const build = await page.evaluate(() => document.documentElement.dataset.build);
    await page.getByLabel('Open images').setInputFiles([file]);
    await page.waitForFunction(() => document.querySelector('#queue li')?.dataset.state === 'ready', null, { timeout: 120000 });
    await page.waitForFunction(() => document.querySelector('#viewer').classList.contains('has-image'));
    const settled = () => page.waitForFunction(() => { const s = document.querySelector('#mask-status'); return s.dataset.pending === 'false' && s.dataset.damaged !== ''; }, null, { timeout: 120000 });
    let t = Date.now();
    await page.getByRole('button', { name: 'Repair', exact: true }).click();
    await settled();
    const found = Date.now() - t;
    t = Date.now();
    await page.getByRole('button', { name: 'Heal' }).click();
    await page.waitForFunction(() => document.querySelector('#queue li')?.dataset.state === 'done' && document.querySelector('#viewer').classList.contains('has-result'), null, { timeout: 120000 });
    const healed = Date.now() - t;
    console.log(`  ${build === 'mt' ? 'threaded build' : 'single-thread build'}; Repair -> the mask found on screen ${(found / 1000).toFixed(2)} s, Heal -> result on screen ${(healed / 1000).toFixed(2)} s`);
    const r = await page.locator('#viewer').boundingBox();
    const s = Math.min(r.width / W, r.height / H, 1);
    const at = (x, y) => ({ x: r.x + (r.width - W * s) / 2 + (x + 0.5) * s, y: r.y + (r.height - H * s) / 2 + (y + 0.5) * s });
    const stroke = async (x, y) => {
      const before = (await page.getAttribute('#mask-status', 'data-strokes')) ?? '';
      const [a, b] = [at(x, y), at(x + 196, y + 40)];
      await page.mouse.move(a.x, a.y);
      await page.mouse.down();
      await page.mouse.move(b.x, b.y, { steps: 12 });
      await page.mouse.up();
      await page.waitForFunction((n) => (document.querySelector('#mask-status').dataset.strokes ?? '') !== n, before, { timeout: 60000 });
      return page.evaluate(() => ({ ...document.querySelector('#mask-status').dataset }));
    };
    // the first stroke after a result is shown also pays for the first frames of that 12 MP
    // picture: told apart
    const first = await stroke(200, 1700);
    await page.waitForTimeout(1000);
    await page.evaluate(() => {
      window.longTasks = [];
      new PerformanceObserver((l) => window.longTasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    });
    const page_ = [], worker = [], regions = [];
    for (let k = 0; k < strokes; k++) { // across the ground, 200 px long each, apart
      const d = await stroke(400 + (k % 3) * 1200, 1900 + Math.floor(k / 3) * 260);
      page_.push(Number(d.strokeMs)); worker.push(Number(d.healMs)); regions.push(d.healed);
    }
    console.log(`  the first stroke after Heal: ${first.strokeMs} ms (${first.healMs} ms in the worker)`);
    const longest = Math.max(0, ...await page.evaluate(() => window.longTasks));
    console.log(`  one stroke (200 px long, 9 px brush), mouse released -> healed part drawn: median ${median(page_)} ms (${page_.join(', ')})`);
    console.log(`  of which in the worker (paint, heal the tiles, bitmaps): median ${median(worker)} ms; regions healed again: ${[...new Set(regions)].join(', ')} px`);
    console.log(`  longest main-thread task during those ${strokes} strokes: ${Math.round(longest)} ms`);
  } finally {
    await browser.close();
    server.stop();
  }
}

async function visits(runs = 3) {
  const server = await serve();
  const proxy = await recordingProxy(server.url);
  const cold = [], warm = [];
  try {
    for (let r = 0; r < runs; r++) {
      const browser = await launch(); // a fresh profile each time
      try {
        const context = await browser.newContext();
        cold.push(await visit(context, proxy, proxy.url));
        warm.push(await visit(context, proxy, proxy.url));
      } finally {
        await browser.close();
      }
    }
  } finally {
    proxy.stop();
    server.stop();
  }
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const med = (list, f) => median(list.map(f));
  const line = (name, list) => {
    console.log(`  ${name}: Ready in ${Math.round(med(list, (v) => v.ready))} ms (runs: ${list.map((v) => Math.round(v.ready)).join(', ')})`);
    console.log(`    until Ready: ${med(list, (v) => v.untilReady.requests)} requests, ${kb(med(list, (v) => v.untilReady.wire))} on the wire, ${kb(med(list, (v) => v.untilReady.decoded))} decoded`);
    console.log(`    in all:      ${med(list, (v) => v.all.requests)} requests, ${kb(med(list, (v) => v.all.wire))} on the wire, ${kb(med(list, (v) => v.all.decoded))} decoded` +
      ` (app assets: ${med(list, (v) => v.app.requests)} requests, ${kb(med(list, (v) => v.app.wire))}; the rest is the service worker's update check and the model list)`);
    const most = (key) => { // each path's largest count over the runs
      const m = new Map();
      for (const v of list) for (const [p, n] of v.all[key]) m.set(p, Math.max(n, m.get(p) || 0));
      return m.size ? [...m].map(([p, n]) => `${p} x${n}`).join(', ') : 'none';
    };
    console.log(`    URLs fetched more than once (any run): ${most('duplicates')}`);
    console.log(`    ... of which downloaded in full (200) more than once: ${most('downloadedTwice')}`);
  };
  console.log(`A visit in Chromium, fresh profile, through tools/serve.mjs (${os.cpus()[0]?.model.trim()}, ${os.cpus().length} cores), medians of ${runs}:`);
  line('cold (first visit)', cold);
  line('warm (second visit, service worker installed)', warm);
  if (process.env.ES_BENCH_LOG) { // the request log of the first run, for a closer look
    for (const [name, v] of [['cold', cold[0]], ['warm', warm[0]]]) {
      console.log(`  ${name} visit, run 1, request by request:`);
      for (const e of v.log) console.log(`    ${String(e.status).padEnd(4)} ${(e.encoding || '-').padEnd(5)} ${String(e.wire).padStart(8)} ${String(e.decoded).padStart(8)}  ${e.path}`);
    }
  }
}

if (process.argv.includes('--visits')) await visits();
else if (process.argv.includes('--repair')) await repairStrokes();
else {
  await visits();
  weight();
  await twelveMegapixels();
  await repairStrokes();
}
