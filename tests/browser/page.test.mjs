// The studio page end to end in a real browser (Debian's Chromium driven by playwright-core)
// against tools/serve.mjs on localhost: enhance a dark photo and download it, colorize with a
// (synthetic, test-only) model the server offers, a batch with a corrupt file, the threaded
// build when cross-origin isolated, offline after the service worker is installed. The
// photos are made by tests/node/photos.mjs, so no test here needs ../shared. Every test also
// checks that no request left the origin and that the console stayed clean. Screenshots go
// to build/screenshots/ for a person to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStudio } from '../../web/studio.js';
import { pageFor, CHROMIUM, download, waitState, shot } from './browser.mjs';
import { headerBomb, MODELS, scratchDir } from '../node/helpers.mjs';
import { photoFile } from '../node/photos.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUILD = process.env.ES_BUILD || path.join(ROOT, 'build');
const MODEL = path.join(MODELS, 'synthetic-1.caffemodel');
// The photos: a dark, noisy JPEG (Enhance), a grey PNG (Colorize), a well-exposed PNG.
const dark = () => photoFile('dark.jpg');
const grey = () => photoFile('grey.png', { kind: 'grey' });
const scene = (name = 'scene.png', seed = 1) => photoFile(name, { kind: 'scene', seed });


const skipWithout = (t, ...files) => {
  if (!fs.existsSync(CHROMIUM)) { t.skip(`${CHROMIUM} not installed`); return true; }
  const missing = files.filter((f) => !fs.existsSync(f));
  if (missing.length) { t.skip(`missing: ${missing.join(', ')} (the synthetic models: tools/studio test makes them)`); return true; }
  return false;
};

// A converted synthetic model in a folder of its own, served only to the test that asks
// (tools/studio serve never offers a synthetic model).
function servedModel(caffemodel) {
  const dir = scratchDir('models-');
  execFileSync(path.join(BUILD, 'native', 'studio-cli'), ['convert', caffemodel, path.join(dir, 'eccv16-int8.bin'), '--precision', 'int8']);
  return dir;
}

let nodeStudio;
const decoder = async () => (nodeStudio ||= await createStudio({ threads: 1 }));
test.after(() => nodeStudio?.terminate());

for (const isolated of [true, false]) {
  test(`${isolated ? 'cross-origin isolated: the threaded build' : 'not isolated: the single-threaded build'}`, async (t) => {
    if (skipWithout(t)) return;
    const { page, check } = await pageFor(t, isolated ? [] : ['--no-isolation']);
    assert.equal(await page.evaluate(() => crossOriginIsolated), isolated);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.build), isolated ? 'mt' : 'st');
    assert.match(await page.textContent('#engine'), isolated ? /Ready: \d+ threads/ : /Ready: one thread/);
    await page.waitForFunction(() => /No colorization model yet/.test(document.querySelector('#model-status').textContent));
    await shot(page, `empty-${isolated ? 'mt' : 'st'}`);
    check();
  });
}

test('open a dark photo, Enhance low-light: brighter, downloadable as PNG and JPEG, original untouched', async (t) => {
  if (skipWithout(t)) return;
  const file = await dark();
  const { page, check } = await pageFor(t);
  const original = fs.readFileSync(file);
  await page.getByLabel('Open images').setInputFiles([file]);
  await waitState(page, 'dark.jpg', ['ready']);
  await page.waitForFunction(() => /Suggested: Enhance low-light/.test(document.querySelector('#suggestion').textContent));
  // the main thread must stay responsive while the worker computes
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((l) => window.longTasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
  });
  await page.getByRole('button', { name: 'Enhance low-light' }).click();
  await waitState(page, 'dark.jpg', ['done']);
  const [before, after] = await page.locator('#queue li').evaluate((li) => [Number(li.dataset.lightBefore), Number(li.dataset.lightAfter)]);
  assert.ok(after > before + 0.03, `mean lightness ${before} -> ${after}`);
  const longTasks = await page.evaluate(() => window.longTasks);
  t.diagnostic(`main-thread long tasks while enhancing: ${longTasks.length ? longTasks.map((d) => `${Math.round(d)} ms`).join(', ') : 'none'}`);
  assert.ok(longTasks.every((d) => d <= 100), `long tasks on the main thread: ${longTasks.join(', ')} ms`);
  await shot(page, 'enhanced-split');
  // zoom controls and the split slider work on the result
  await page.getByRole('button', { name: '1:1' }).click();
  assert.match(await page.textContent('#zoom-level'), /^100%$/);
  await page.getByLabel('Before and after split').fill('30');
  await shot(page, 'enhanced-zoom-1-1');
  await page.getByRole('button', { name: 'Fit' }).click();
  const fit = await page.textContent('#zoom-level');
  const box = await page.locator('#viewer').boundingBox();
  await page.mouse.move(box.x + box.width / 3, box.y + box.height / 3);
  await page.mouse.wheel(0, -400);
  await page.waitForFunction((f) => document.querySelector('#zoom-level').textContent !== f, fit);
  assert.ok(parseInt(await page.textContent('#zoom-level'), 10) > parseInt(fit, 10), 'the wheel did not zoom in');
  await page.getByRole('button', { name: 'Fit' }).click();

  const auto = await download(page); // by default a JPEG photo stays JPEG
  assert.equal(auto.name, 'dark-enhanced.jpg');
  assert.deepEqual([...auto.bytes.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  await page.selectOption('#format', 'png');
  const png = await download(page);
  assert.equal(png.name, 'dark-enhanced.png');
  const studio = await decoder();
  const [src, out] = [await studio.decode(original), await studio.decode(png.bytes)];
  const mean = (img) => img.data.reduce((s, v) => s + v, 0) / img.data.length;
  assert.deepEqual([out.width, out.height], [src.width, src.height]);
  assert.ok(mean(out) > mean(src) + 5, `downloaded mean ${mean(out)} vs input ${mean(src)}`);
  await page.selectOption('#format', 'jpeg');
  await page.getByLabel('JPEG quality').fill('80');
  const jpg = await download(page);
  assert.equal(jpg.name, 'dark-enhanced.jpg');
  assert.deepEqual([...jpg.bytes.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  assert.ok(fs.readFileSync(file).equals(original), 'the original file changed');
  check();
});

test('Colorize with a model the site serves: a grey photo gains colour; options re-read without the network', async (t) => {
  if (skipWithout(t, MODEL)) return;
  const { page, check } = await pageFor(t, ['--models', servedModel(MODEL)]);
  await page.waitForFunction(() => /ready \(from this site, int8\)/.test(document.querySelector('#model-status').textContent), null, { timeout: 120000 });
  await page.getByLabel('Open images').setInputFiles([await grey()]);
  await waitState(page, 'grey.png', ['ready']);
  await page.waitForFunction(() => /Suggested: Colorize/.test(document.querySelector('#suggestion').textContent));
  await page.getByRole('button', { name: 'Colorize' }).click();
  await waitState(page, 'grey.png', ['done']);
  const first = Number(await page.locator('#queue li').getAttribute('data-run-ms'));
  const png = await download(page);
  assert.equal(png.name, 'grey-colorized.png');
  const out = await (await decoder()).decode(png.bytes);
  let chroma = 0;
  for (let i = 0; i < out.data.length; i += out.channels) chroma += Math.abs(out.data[i] - out.data[i + 1]) + Math.abs(out.data[i + 2] - out.data[i + 1]);
  chroma /= out.width * out.height;
  assert.ok(chroma > 1, `colorized output has chroma ${chroma}`);
  // vibrance: the cached distribution is re-read (no network stage shown), the result changes
  const stages = [];
  await page.exposeFunction('stageSeen', (s) => stages.push(s));
  await page.evaluate(() => new MutationObserver(() => window.stageSeen(document.querySelector('#stage').textContent))
    .observe(document.querySelector('#stage'), { childList: true, characterData: true, subtree: true }));
  await page.getByLabel('Vibrance').fill('0.2');
  await page.waitForFunction(() => document.querySelector('#queue li').dataset.state === 'working', null, { timeout: 10000 }).catch(() => {});
  await waitState(page, 'grey.png', ['done']);
  const second = Number(await page.locator('#queue li').getAttribute('data-run-ms'));
  assert.ok(!stages.some((s) => /network/.test(s)), `the network ran again: ${stages.join(' | ')}`);
  t.diagnostic(`colorize 768x512: first run ${first} ms, vibrance change ${second} ms`);
  const bold = await download(page);
  assert.ok(!bold.bytes.equals(png.bytes), 'vibrance changed nothing');
  await shot(page, 'colorized');
  check();
});

test('Colorize without a model or hints explains why and offers colour hints', async (t) => {
  if (skipWithout(t)) return;
  const { page, check } = await pageFor(t);
  await page.waitForFunction(() => /No colorization model yet/.test(document.querySelector('#model-status').textContent));
  await page.getByLabel('Open images').setInputFiles([await grey()]);
  await waitState(page, 'grey.png', ['ready']);
  await page.getByRole('button', { name: 'Colorize' }).click();
  assert.match(await page.textContent('#message'), /Colorize needs colour hints or the colorization model/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'hints-toggle');
  await shot(page, 'colorize-no-model');
  check();
});

test('a batch of three with a corrupt file: two results, one clear error, Download all gives a ZIP', async (t) => {
  if (skipWithout(t)) return;
  const files = [await scene(), await photoFile('damaged.png', { kind: 'damaged' }), await dark()];
  const { page, check } = await pageFor(t);
  await page.getByLabel('Open images').setInputFiles(files);
  // start as soon as the first photo is open: the ones still opening join the batch
  await waitState(page, 'scene.png', ['ready']);
  await page.getByRole('button', { name: 'Enhance low-light' }).click();
  await waitState(page, 'damaged.png', ['error']);
  await waitState(page, 'scene.png', ['done']);
  await waitState(page, 'dark.jpg', ['done']);
  const states = await page.$$eval('#queue li', (lis) => lis.map((li) => `${li.querySelector('.name').textContent}: ${li.dataset.state}: ${li.querySelector('.state').textContent}`));
  assert.equal(states.filter((s) => /: done:/.test(s)).length, 2, states.join('\n'));
  assert.ok(states.some((s) => /damaged\.png: error: damaged\.png: corrupt PNG: checksum mismatch in the IDAT chunk/.test(s)), states.join('\n'));
  assert.equal(await page.locator('#queue .thumb canvas').count(), 2);
  await shot(page, 'batch');
  await page.setViewportSize({ width: 3840, height: 2160 });
  await shot(page, 'batch-4k');
  await page.setViewportSize({ width: 1440, height: 900 });
  const zip = await download(page, 'Download all');
  assert.match(zip.name, /^enhancement-studio-\d{4}-\d\d-\d\d\.zip$/);
  const eocd = zip.bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.equal(zip.bytes.readUInt16LE(eocd + 10), 2);
  // an independent reader: Python's zipfile checks every CRC
  const listing = execFileSync('/usr/bin/python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print("\\n".join(z.namelist()))',
    writeTemp(zip.bytes)]).toString().trim().split('\n');
  assert.deepEqual(listing.sort(), ['dark-enhanced.jpg', 'scene-enhanced.png']); // each in its photo's format
  check();
});

test('a batch larger than the worker keeps open: results of photos it let go still download, as JPEG', async (t) => {
  if (skipWithout(t)) return;
  const files = [];
  for (let i = 1; i <= 5; i++) files.push(await scene(`photo-${i}.png`, i));
  const { page, check } = await pageFor(t);
  await page.getByLabel('Open images').setInputFiles(files);
  await waitState(page, 'photo-1.png', ['ready']);
  await page.getByRole('button', { name: 'Enhance low-light' }).click();
  for (const f of files) await waitState(page, path.basename(f), ['done']);
  await page.selectOption('#format', 'jpeg');
  const zip = await download(page, 'Download all');
  const names = execFileSync('/usr/bin/python3', ['-c', `import sys, zipfile
z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None
for n in z.namelist(): assert z.read(n)[:3] == bytes([0xff, 0xd8, 0xff]), n
print("\\n".join(z.namelist()))`, writeTemp(zip.bytes)]).toString().trim().split('\n');
  assert.deepEqual(names.sort(), files.map((f) => path.basename(f, '.png') + '-enhanced.jpg'));
  check();
});

function writeTemp(bytes) {
  const f = path.join(scratchDir('zip-'), 'all.zip');
  fs.writeFileSync(f, bytes);
  return f;
}

test('offline after the first visit: reload with no network, Enhance and Colorize (served model) still work', async (t) => {
  if (skipWithout(t, MODEL)) return;
  const [darkFile, greyFile] = [await dark(), await grey()];
  const { context, page } = await pageFor(t, ['--models', servedModel(MODEL)]);
  await page.waitForFunction(() => /ready \(from this site/.test(document.querySelector('#model-status').textContent), null, { timeout: 120000 });
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  const kept = await page.evaluate(async () => (await (await caches.open('studio-models')).keys()).map((r) => new URL(r.url).pathname));
  assert.ok(kept.includes('/models/index.json') && kept.some((p) => /eccv16-\w+\.bin$/.test(p)), `kept for offline: ${kept}`);
  // no reload before going offline: the model fetched on the first visit must already be kept
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 60000 });
  await context.setOffline(true);
  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.build, null, { timeout: 60000 });
  assert.equal(await page.evaluate(() => navigator.onLine), false);
  await page.getByLabel('Open images').setInputFiles([darkFile]);
  await waitState(page, 'dark.jpg', ['ready']);
  await page.getByRole('button', { name: 'Enhance low-light' }).click();
  await waitState(page, 'dark.jpg', ['done']);
  await page.waitForFunction(() => /ready \(from this site/.test(document.querySelector('#model-status').textContent), null, { timeout: 120000 });
  await page.getByLabel('Open images').setInputFiles([greyFile]);
  await waitState(page, 'grey.png', ['ready']);
  await page.locator('#queue li', { hasText: 'grey.png' }).getByRole('button').click();
  await page.getByRole('button', { name: 'Colorize' }).click();
  await waitState(page, 'grey.png', ['done']);
  // a photo already done in the other mode keeps its result
  assert.equal(await page.locator('#queue li', { hasText: 'dark.jpg' }).locator('.state').textContent(), 'Enhanced');
  await shot(page, 'offline-colorized');
});

test('phone width and dark theme: the layout holds, controls stay reachable by keyboard', async (t) => {
  if (skipWithout(t)) return;
  const { page, check } = await pageFor(t, [], { viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
  await page.getByLabel('Open images').setInputFiles([await dark()]);
  await waitState(page, 'dark.jpg', ['ready']);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px at phone width`);
  // every control has a name; the mode button is reachable with Tab and runs with Enter
  const unnamed = await page.$$eval('button, input, select', (els) => els.filter((e) => !e.hidden && e.type !== 'hidden' &&
    !(e.getAttribute('aria-label') || e.labels?.length || e.textContent.trim())).map((e) => e.outerHTML));
  assert.deepEqual(unnamed, []);
  let reached = false;
  for (let i = 0; i < 30 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.textContent === 'Enhance low-light');
  }
  assert.ok(reached, 'Enhance low-light is not reachable with Tab');
  await page.keyboard.press('Enter');
  await waitState(page, 'dark.jpg', ['done']);
  await shot(page, 'phone-dark');
  check();
});

test('input by drop and paste; a wrong type and an oversize image get a message naming the file', async (t) => {
  if (skipWithout(t)) return;
  const { page, check } = await pageFor(t);
  const b64 = (f) => fs.readFileSync(f).toString('base64');
  // drop onto the page: the same DataTransfer a file manager gives
  await page.evaluate(([data]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], 'dropped.jpg', { type: 'image/jpeg' }));
    dt.items.add(new File(['just text'], 'notes.txt', { type: 'text/plain' }));
    document.querySelector('#drop').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [b64(await dark())]);
  await waitState(page, 'dropped.jpg', ['ready']);
  await waitState(page, 'notes.txt', ['error']);
  assert.match(await page.locator('#queue li', { hasText: 'notes.txt' }).textContent(), /notes\.txt: not a JPEG, PNG or BMP file \(text\/plain\)/);
  // paste an image from the clipboard, and a header claiming 100000x100000
  await page.evaluate(([data, bomb]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], 'image.png', { type: 'image/png' }));
    document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    const big = new DataTransfer();
    big.items.add(new File([Uint8Array.from(atob(bomb), (c) => c.charCodeAt(0))], 'huge.png', { type: 'image/png' }));
    document.querySelector('#drop').dispatchEvent(new DragEvent('drop', { dataTransfer: big, bubbles: true, cancelable: true }));
  }, [b64(await grey()), headerBomb().toString('base64')]);
  await waitState(page, 'pasted-', ['ready']);
  await waitState(page, 'huge.png', ['error']);
  assert.match(await page.locator('#queue li', { hasText: 'huge.png' }).textContent(), /huge\.png: .*100000x100000.*limit/);
  assert.equal(await page.locator('#queue li[data-state="ready"]').count(), 2);
  check();
});

test('a host that sends no isolation headers: the service worker adds them, the next load runs threaded', async (t) => {
  if (skipWithout(t)) return;
  const { page, check } = await pageFor(t, ['--no-isolation']);
  assert.equal(await page.evaluate(() => crossOriginIsolated), false);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.build), 'st');
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 30000 });
  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.build, null, { timeout: 60000 });
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.build), 'mt');
  check();
});

test('a new version: the page offers it, and "Update now" switches to it', async (t) => {
  if (skipWithout(t)) return;
  // a copy of the site, so this test can publish a "new version" of it
  const site = scratchDir('site-');
  fs.cpSync(path.join(ROOT, 'web'), site, { recursive: true });
  const { page, check } = await pageFor(t, ['--root', site]);
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 30000 });
  assert.equal(await page.isVisible('#update'), false);
  const version = () => page.evaluate(() => new Promise((resolve) => {
    navigator.serviceWorker.addEventListener('message', (e) => resolve(e.data.version), { once: true });
    navigator.serviceWorker.controller.postMessage('version');
  }));
  const v1 = await version();
  const assets = path.join(site, 'gen', 'assets.js');
  fs.writeFileSync(assets, fs.readFileSync(assets, 'utf8').replace(/ES_VERSION = '[^']*'/, "ES_VERSION = 'test-next'"));
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
  await page.waitForSelector('#update:not([hidden])', { timeout: 30000 });
  await shot(page, 'update-available');
  await Promise.all([page.waitForEvent('load', { timeout: 30000 }), page.getByRole('button', { name: 'Update now' }).click()]);
  await page.waitForFunction(() => document.documentElement.dataset.build, null, { timeout: 60000 });
  assert.equal(await version(), 'test-next');
  assert.notEqual(v1, 'test-next');
  check();
});

test('Cancel stops a long run at once; the studio stays usable', async (t) => {
  if (skipWithout(t)) return;
  // a 12 MP photo, so the run is long enough to cancel
  const file = await photoFile('big.jpg', { kind: 'dark', width: 4242, height: 2828 });
  const { page, check } = await pageFor(t);
  await page.getByLabel('Open images').setInputFiles([file]);
  await waitState(page, 'big.jpg', ['ready']);
  await page.getByRole('button', { name: 'Enhance low-light' }).click();
  await waitState(page, 'big.jpg', ['working']);
  await page.waitForFunction(() => /: big\.jpg/.test(document.querySelector('#stage').textContent));
  await shot(page, 'progress');
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await waitState(page, 'big.jpg', ['cancelled'], 10000);
  t.diagnostic(`cancelled in ${Date.now() - t0} ms`);
  assert.match(await page.textContent('#message'), /Cancelled/);
  await page.waitForFunction(() => document.querySelector('.mode').getAttribute('aria-disabled') === 'false');
  await page.getByRole('button', { name: 'Enhance low-light' }).click();
  await waitState(page, 'big.jpg', ['done']);
  check();
});

for (const storage of ['OPFS', 'IndexedDB']) test(`a model from disk: checked, converted in the worker, kept in this browser (${storage}); Forget removes it`, async (t) => {
  const model = MODEL, broken = path.join(MODELS, 'synthetic-3-broken-conv5_2.caffemodel');
  if (skipWithout(t, model, broken)) return;
  // a browser without the Origin Private File System keeps the model in IndexedDB
  const init = storage === 'OPFS' ? undefined : () => { delete StorageManager.prototype.getDirectory; };
  const { page, check } = await pageFor(t, [], { init });
  const status = () => page.textContent('#model-status');
  await page.waitForFunction(() => /No colorization model yet/.test(document.querySelector('#model-status').textContent));
  await page.getByLabel('Load colorization model').setInputFiles([broken]);
  await page.waitForFunction(() => /weights should be/.test(document.querySelector('#model-status').textContent), null, { timeout: 120000 });
  assert.match(await status(), /synthetic-3-broken-conv5_2\.caffemodel: .*layer 'conv5_2' weights should be 512x512x3x3/);
  // the default conversion is f16, run in f32 (exact to its file)
  await page.getByLabel('Load colorization model').setInputFiles([model]);
  await page.waitForFunction(() => /ready/.test(document.querySelector('#model-status').textContent), null, { timeout: 180000 });
  assert.match(await status(), /synthetic-1\.caffemodel, f16, run in f32, kept in this browser/);
  // int8 when asked for: checked against f32 on the core's check images, and the panel says so, then and later
  await page.getByLabel(/Convert to int8/).check();
  await page.getByLabel('Load colorization model').setInputFiles([model]);
  await page.waitForFunction(() => /ready.*int8/.test(document.querySelector('#model-status').textContent), null, { timeout: 180000 });
  assert.match(await status(), /synthetic-1\.caffemodel, int8, checked: colours within [01]\.\d\d a\*b\* units of f32 on the check images, kept in this browser/);
  if (storage === 'OPFS') await shot(page, 'model-int8-checked');
  await page.reload();
  await page.waitForFunction(() => /ready \(int8, checked: .*, kept in this browser\)/.test(document.querySelector('#model-status').textContent), null, { timeout: 60000 });
  await page.getByRole('button', { name: 'Forget model' }).click();
  await page.waitForFunction(() => /removed/.test(document.querySelector('#model-status').textContent));
  await page.reload();
  await page.waitForFunction(() => /No colorization model yet/.test(document.querySelector('#model-status').textContent), null, { timeout: 60000 });
  if (storage === 'IndexedDB') assert.equal(await page.evaluate(() => typeof navigator.storage.getDirectory), 'undefined');
  check();
});
