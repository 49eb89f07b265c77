// Colour hints on the page, in a real browser (as page.test.mjs): a grey photo made here with
// a step edge, colours placed with the mouse and with the keyboard alone, undo and redo,
// export then import, the downloaded full-size result read back in Node; with the served
// synthetic model, the suggested colours. Every test checks that no request left the origin
// and that the console stayed clean. Screenshots go to build/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStudio } from '../../web/studio.js';
import { pageFor, CHROMIUM, download, shot, assertHue, assertNotHue, assertStepColoured, pixel } from './browser.mjs';
import { MODELS, scratchDir } from '../node/helpers.mjs';
import { photoFile } from '../node/photos.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUILD = process.env.ES_BUILD || path.join(ROOT, 'build');
const W = 640, H = 420; // the step photo: lighter left of x = 320, darker right of it
const RED = '#d02020', BLUE = '#2040d0', GREEN = '#20a040';

let nodeStudio;
const studio = async () => (nodeStudio ||= await createStudio({ threads: 1 }));
test.after(() => nodeStudio?.terminate());

const tmp = (name) => path.join(scratchDir('hints-'), name);

// The grey photo: two flat halves with a strong step between them and a soft ramp in each,
// so a colour stays on its side of the edge.
const greyPhoto = () => photoFile('step.png', { kind: 'step', width: W, height: H });

const skip = (t, ...files) => {
  if (!fs.existsSync(CHROMIUM)) { t.skip(`${CHROMIUM} not installed`); return true; }
  const missing = files.filter((f) => !fs.existsSync(f));
  if (missing.length) { t.skip(`missing: ${missing.join(', ')} (the synthetic models: tools/studio test makes them)`); return true; }
  return false;
};


async function open(page, file) {
  await page.getByLabel('Open images').setInputFiles([file]);
  const name = path.basename(file);
  await page.waitForFunction((n) => [...document.querySelectorAll('#queue li')].some((li) => li.textContent.includes(n) && li.dataset.state === 'ready'),
    name, { timeout: 60000 });
  await page.waitForFunction(() => document.querySelector('#viewer').classList.contains('has-image'));
}

// The screen point over image pixel (x, y) at the fitted view (the viewer never enlarges
// past 1:1 to fit, and centres the photo).
async function screenOf(page, x, y) {
  await page.locator('#viewer').scrollIntoViewIfNeeded();
  const r = await page.locator('#viewer').boundingBox();
  const s = Math.min(r.width / W, r.height / H, 1);
  return { x: r.x + (r.width - W * s) / 2 + (x + 0.5) * s, y: r.y + (r.height - H * s) / 2 + (y + 0.5) * s };
}

async function clickAt(page, x, y) {
  const p = await screenOf(page, x, y);
  await page.mouse.click(p.x, p.y);
}

// n hints listed, and their preview in (nothing in flight to the worker).
async function settled(page, n) {
  await page.waitForFunction((k) => {
    const s = document.querySelector('#hint-status');
    return s.dataset.count === String(k) && s.dataset.pending === 'false';
  }, n, { timeout: 60000 });
  assert.equal(await page.locator('#hint-list .hint-item').count(), n);
}


const decode = async (bytes) => (await studio()).decode(bytes);

function maxDiff(a, b) {
  assert.deepEqual([a.width, a.height, a.channels], [b.width, b.height, b.channels]);
  let d = 0;
  for (let i = 0; i < a.data.length; i++) d = Math.max(d, Math.abs(a.data[i] - b.data[i]));
  return d;
}

test('colour hints with no model: a click colours its side of an edge; undo, redo, export, import, a stroke', async (t) => {
  if (skip(t)) return;
  const photo = await greyPhoto();
  const { page, check } = await pageFor(t);
  await page.waitForFunction(() => /No colorization model yet/.test(document.querySelector('#model-status').textContent));
  await open(page, photo);

  // neither model nor hints: Colorize says what to do, and the way on is one key away
  await page.getByRole('button', { name: 'Colorize' }).click();
  assert.match(await page.textContent('#message'), /^Colorize needs colour hints or the colorization model: /);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'hints-toggle');

  const toggle = page.getByRole('button', { name: 'Colour hints' });
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  assert.match(await page.textContent('#suggest-note'), /colorization model loaded, a click .* would also suggest/);

  await page.getByLabel('Hint colour').fill(RED);
  await clickAt(page, 80, 200);
  await settled(page, 1);
  await page.getByLabel('Hint colour').fill(BLUE);
  await clickAt(page, 500, 200);
  await settled(page, 2);
  assert.match(await page.locator('#hint-list .hint-item').first().textContent(), /Hint 1: point at 80, 200, #d02020/);
  assert.match(await page.locator('#hint-list .hint-item').nth(1).textContent(), /Hint 2: point at 500, 200, #2040d0/);

  // Download renders the full-size result from the hints (Colorize's own run)
  const first = await download(page);
  assert.equal(first.name, 'step-colorized.png');
  const a = await decode(first.bytes);
  assertStepColoured(a);

  // Undo takes the blue hint away: the red one now colours the whole photo
  await page.getByRole('button', { name: 'Undo' }).click();
  await settled(page, 1);
  const undone = await decode((await download(page)).bytes);
  assertNotHue(pixel(undone, 630, 410), BLUE, 'after Undo, across the edge');
  assertHue(pixel(undone, 80, 200), RED, 'after Undo, at the red hint');
  await page.getByRole('button', { name: 'Redo' }).click();
  await settled(page, 2);

  // Export, clear, import: the same hints and the same result
  const exported = await download(page, 'Export hints');
  assert.equal(exported.name, 'step-hints.json');
  const file = JSON.parse(exported.bytes);
  assert.deepEqual([file.width, file.height], [W, H]);
  assert.deepEqual(file.points.map((p) => [p.x, p.y, p.rgb.join()]), [[80, 200, '208,32,32'], [500, 200, '32,64,208']]);
  await page.getByRole('button', { name: 'Clear hints' }).click();
  await settled(page, 0);
  assert.equal(await page.getByRole('button', { name: 'Download', exact: true }).isDisabled(), true, 'nothing to render: no hints, no model');
  await page.getByLabel('Import hints').setInputFiles([exported.file]);
  await settled(page, 2);
  const again = await decode((await download(page)).bytes);
  const diff = maxDiff(a, again);
  t.diagnostic(`export then import: largest difference ${diff} levels`);
  assert.ok(diff <= 1, `the imported hints give a different result (${diff} levels)`);

  // a file for another size, and a file that is not JSON: the core's sentence, nothing changed
  const wrong = tmp('wrong-hints.json');
  fs.writeFileSync(wrong, JSON.stringify({ width: 100, height: 100, points: [{ x: 5, y: 5, r: 1, rgb: [1, 2, 3] }] }));
  await page.getByLabel('Import hints').setInputFiles([wrong]);
  await page.waitForFunction(() => /wrong-hints\.json: .*100x100.*640x420/.test(document.querySelector('#message').textContent));
  const bad = tmp('bad-hints.json');
  fs.writeFileSync(bad, '{"width": 640, "height": ');
  await page.getByLabel('Import hints').setInputFiles([bad]);
  await page.waitForFunction(() => /bad-hints\.json: .*JSON/.test(document.querySelector('#message').textContent));
  await settled(page, 2);

  // a drag paints a stroke; its marker is a polyline
  await page.getByLabel('Hint colour').fill(GREEN);
  const [p, q] = [await screenOf(page, 120, 60), await screenOf(page, 260, 110)];
  await page.mouse.move(p.x, p.y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(p.x + ((q.x - p.x) * i) / 8, p.y + ((q.y - p.y) * i) / 8);
  await page.mouse.up();
  await settled(page, 3);
  assert.match(await page.locator('#hint-list .hint-item').nth(2).textContent(), /Hint 3: stroke from 120, 60 to 260, 110, #20a040/);
  // select the red point by its marker and drag it
  const r0 = await screenOf(page, 80, 200);
  await page.mouse.move(r0.x, r0.y);
  await page.mouse.down();
  await page.mouse.move(r0.x + 10, r0.y + 10, { steps: 3 });
  await page.mouse.up();
  await settled(page, 3);
  assert.match(await page.locator('#hint-list .hint-item').first().textContent(), /Hint 1: point at \d+, \d+/);
  assert.doesNotMatch(await page.locator('#hint-list .hint-item').first().textContent(), /at 80, 200/);
  assert.equal(await page.locator('#hint-list .hint-item').first().getAttribute('aria-pressed'), 'true');
  await shot(page, 'hints-mode');
  check();
});

test('colour hints by keyboard alone: place, move with the arrows, delete, undo', async (t) => {
  if (skip(t)) return;
  const photo = await greyPhoto();
  const { page, check } = await pageFor(t);
  await open(page, photo);
  const focusOn = async (test, what) => {
    for (let i = 0; i < 60; i++) {
      if (await page.evaluate(test)) return;
      await page.keyboard.press('Tab');
    }
    assert.fail(`${what} is not reachable with Tab`);
  };
  await focusOn(() => document.activeElement?.id === 'hints-toggle', 'Colour hints');
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('#hints-toggle', 'aria-pressed'), 'true');
  await page.keyboard.press('Tab'); // the colour
  await page.keyboard.press('Tab'); // the brush size
  await page.keyboard.press('ArrowRight'); // 9 -> 11 px
  assert.equal(await page.inputValue('#brush'), '11');
  await focusOn(() => document.activeElement?.id === 'viewer', 'the viewer');
  await page.keyboard.press('Enter'); // a point in the middle of the view
  await settled(page, 1);
  const at = async () => (await page.locator('.hint-item').textContent()).match(/Hint 1: point at (\d+), (\d+)/).slice(1).map(Number);
  const [x0, y0] = await at();
  assert.ok(Math.abs(x0 - W / 2) <= 1 && Math.abs(y0 - H / 2) <= 1, `the hint is at ${x0}, ${y0}, not the middle`);
  await page.keyboard.press('ArrowLeft'); // on the viewer: the new hint is selected, so it moves
  await focusOn(() => document.activeElement?.classList.contains('hint-item'), 'the hint in the list');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Shift+ArrowDown');
  await settled(page, 1);
  assert.deepEqual(await at(), [x0 + 2, y0 + 10]);
  const exported = await download(page, 'Export hints');
  assert.deepEqual(JSON.parse(exported.bytes).points, [{ x: x0 + 2, y: y0 + 10, r: 5, rgb: [200, 68, 44] }]);
  await page.locator('.hint-item').focus(); // back where it was (the download's button took focus)
  await page.keyboard.press('Delete');
  await settled(page, 0);
  await page.keyboard.press('Control+z');
  await settled(page, 1);
  await page.keyboard.press('Control+Shift+z');
  await settled(page, 0);
  check();
});

test('colour hints with the model: a click also shows the suggested colours, which set the hint colour', async (t) => {
  const caffemodel = path.join(MODELS, 'synthetic-1.caffemodel');
  const cli = path.join(BUILD, 'native', 'studio-cli');
  if (skip(t, caffemodel, cli)) return;
  const models = scratchDir('models-');
  execFileSync(cli, ['convert', caffemodel, path.join(models, 'eccv16-int8.bin'), '--precision', 'int8']);
  const photo = await greyPhoto();
  const { page, check } = await pageFor(t, ['--models', models]);
  await page.waitForFunction(() => /ready \(from this site, int8\)/.test(document.querySelector('#model-status').textContent), null, { timeout: 120000 });
  await open(page, photo);
  await page.getByRole('button', { name: 'Colour hints' }).click();
  assert.equal(await page.getAttribute('#mode-colorize', 'aria-pressed'), 'true');
  await clickAt(page, 80, 200);
  await settled(page, 1);
  await page.waitForSelector('#suggested button', { timeout: 60000 });
  const names = await page.$$eval('#suggested button', (bs) => bs.map((b) => b.getAttribute('aria-label')));
  t.diagnostic(names.join(' | '));
  assert.ok(names.length >= 1 && names.length <= 5, names.join(' | '));
  names.forEach((n, i) => assert.match(n, new RegExp(`^Suggested colour ${i + 1}: #[0-9a-f]{6}, \\d+%$`)));
  const pick = names[names.length - 1].match(/#[0-9a-f]{6}/)[0];
  await page.getByRole('button', { name: names[names.length - 1] }).click();
  assert.equal(await page.inputValue('#hint-colour'), pick);
  await settled(page, 1);
  assert.match(await page.locator('.hint-item').textContent(), new RegExp(`point at 80, 200, ${pick}`));
  assert.match(await page.textContent('#hint-status'), /network as the starting point/);
  await shot(page, 'hints-suggested');
  const png = await download(page);
  assert.equal(png.name, 'step-colorized.png');
  check();
});

test('colour hints at phone width, dark: the tools wrap, nothing scrolls sideways, every control named', async (t) => {
  if (skip(t)) return;
  const photo = await greyPhoto();
  const { page, check } = await pageFor(t, [], { viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
  await open(page, photo);
  await page.getByRole('button', { name: 'Colour hints' }).click();
  await page.getByLabel('Hint colour').fill(RED);
  await clickAt(page, 80, 200);
  await settled(page, 1);
  await page.getByLabel('Hint colour').fill(BLUE);
  await clickAt(page, 500, 300);
  await settled(page, 2);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px at phone width`);
  const unnamed = await page.$$eval('button, input, select', (els) => els.filter((e) => !e.closest('[hidden]') && e.type !== 'hidden' &&
    !(e.getAttribute('aria-label') || e.labels?.length || e.textContent.trim())).map((e) => e.outerHTML));
  assert.deepEqual(unnamed, []);
  await page.evaluate(() => window.scrollTo(0, document.querySelector('.modes').getBoundingClientRect().top + window.scrollY - 8));
  await shot(page, 'hints-phone');
  check();
});
