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
