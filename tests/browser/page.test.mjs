// The page in a real browser (Debian's Chromium driven by playwright-core): it starts the
// threaded build when cross-origin isolated and the single-threaded one when not, shows
// images as the core decodes them (EXIF orientation applied), reports a bad file without
// breaking the rest, asks nothing of any other origin and logs no errors.
// Screenshots go to build/screenshots/ for a person to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHARED = process.env.ES_SHARED || path.resolve(ROOT, '../shared');
const SHOTS = path.join(process.env.ES_BUILD || path.join(ROOT, 'build'), 'screenshots');
const CHROMIUM = process.env.ES_CHROMIUM || '/usr/bin/chromium';

function serve(extra = []) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [path.join(ROOT, 'tools/serve.mjs'), '--root', path.join(ROOT, 'web'), '--port', '0', ...extra]);
    p.stdout.on('data', (d) => { const m = /http:\/\/\S+\//.exec(String(d)); if (m) resolve({ url: m[0], stop: () => p.kill() }); });
    p.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
}

async function openPage(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = [], requests = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.build, null, { timeout: 30000 });
  return { page, problems, requests };
}

const launch = () => chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

for (const isolated of [true, false]) {
  test(`page ${isolated ? 'cross-origin isolated: threaded' : 'not isolated: single-threaded'} build`, async (t) => {
    if (!fs.existsSync(CHROMIUM)) { t.skip(`${CHROMIUM} not installed`); return; }
    const server = await serve(isolated ? [] : ['--no-isolation']);
    const browser = await launch();
    t.after(async () => { await browser.close(); server.stop(); });
    const { page, problems, requests } = await openPage(browser, server.url);
    assert.equal(await page.evaluate(() => crossOriginIsolated), isolated);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.build), isolated ? 'mt' : 'st');
    assert.match(await page.textContent('#engine'), isolated ? /Engine ready \(\d+ threads/ : /Engine ready \(single thread/);

    const files = ['conformance/exif-orientation/Landscape_6.jpg', 'conformance/jpeg/truncated_jpeg.jpg', 'kodak/kodim23.png']
      .map((f) => path.join(SHARED, 'datasets', f));
    if (files.every((f) => fs.existsSync(f))) {
      await page.getByLabel('Open images').setInputFiles(files);
      await page.waitForFunction(() => document.querySelectorAll('#results li canvas').length === 2 && document.querySelector('#results .error'), null, { timeout: 30000 });
      const items = await page.locator('#results li').allTextContents();
      assert.ok(items.some((s) => s.includes('Landscape_6.jpgJPEG 1800x1200') && s.includes('orientation 6')), items.join('\n'));
      assert.ok(items.some((s) => s.includes('truncated_jpeg.jpg: truncated JPEG data')), items.join('\n'));
      const sizes = await page.$$eval('#results canvas', (cs) => cs.map((c) => `${c.width}x${c.height}`));
      assert.deepEqual(sizes.sort(), ['1800x1200', '768x512']);
    } else {
      t.diagnostic('../shared is absent: skipped opening images');
    }
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, `page-${isolated ? 'mt' : 'st'}.png`) });
    const origin = new URL(server.url).origin;
    assert.deepEqual(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:')), []);
    assert.deepEqual(problems, []);
  });
}

test('page: enhance, and colorize with a model loaded from disk, kept in the browser', async (t) => {
  if (!fs.existsSync(CHROMIUM)) { t.skip(`${CHROMIUM} not installed`); return; }
  const build = process.env.ES_BUILD || path.join(ROOT, 'build');
  const model = path.join(build, 'test-models', 'synthetic-1.caffemodel');
  const grey = path.join(build, 'test-models', 'opencv', 'kodim23-grey.png');
  const dark = path.join(SHARED, 'datasets', 'lowlight', 'dicm', '01.jpg');
  if (!fs.existsSync(model) || !fs.existsSync(dark)) { t.skip('synthetic models or ../shared missing'); return; }
  const server = await serve();
  const browser = await launch();
  t.after(async () => { await browser.close(); server.stop(); });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.goto(server.url);
  await page.waitForFunction(() => /No colorization model yet/.test(document.querySelector('#model-status').textContent), null, { timeout: 30000 });
  // a dark photo: Enhance low-light gives a brighter result
  await page.getByLabel('Open images').setInputFiles([dark]);
  await page.getByRole('button', { name: 'Enhance low-light' }).click();
  await page.waitForSelector('canvas[data-result="enhance"]', { timeout: 30000 });
  const means = await page.$$eval('#results canvas', (cs) => cs.map((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let s = 0;
    for (let i = 0; i < d.length; i += 4) s += d[i] + d[i + 1] + d[i + 2];
    return s / (d.length * 0.75);
  }));
  assert.ok(means[1] > means[0] + 5, `enhanced ${means[1]} vs input ${means[0]}`);
  // the model from disk: checked, converted in the worker, kept; then a grey photo gains colour
  await page.getByLabel('Load colorization model').setInputFiles([model]);
  await page.waitForFunction(() => /ready/.test(document.querySelector('#model-status').textContent), null, { timeout: 120000 });
  await page.getByLabel('Open images').setInputFiles([grey]);
  await page.getByRole('button', { name: 'Colorize' }).first().click();
  await page.waitForSelector('canvas[data-result="colorize"]', { timeout: 60000 });
  const chroma = await page.$eval('canvas[data-result="colorize"]', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let s = 0;
    for (let i = 0; i < d.length; i += 4) s += Math.abs(d[i] - d[i + 1]) + Math.abs(d[i + 2] - d[i + 1]);
    return s / (d.length / 4);
  });
  assert.ok(chroma > 1, `colorized output has chroma ${chroma}`);
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'page-colorize.png') });
  // a reload finds the model kept in this browser; Forget removes it
  await page.reload();
  await page.waitForFunction(() => /stored in this browser/.test(document.querySelector('#model-status').textContent), null, { timeout: 60000 });
  await page.getByRole('button', { name: 'Forget model' }).click();
  await page.waitForFunction(() => /removed/.test(document.querySelector('#model-status').textContent));
  assert.deepEqual(problems, []);
});
