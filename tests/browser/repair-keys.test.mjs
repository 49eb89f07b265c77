// Repair's mask painted from the keyboard alone, in Chromium (the keyboard's brush of
// ui/brush.js, the keys of ui/mask.js): a 700x460 `scratched` photo healed, then on the
// focused photo Enter shows the brush at the middle of the view, arrows move it, Enter puts
// the pen down, arrows paint, Enter lifts it. The saved mask gained the stroke's pixels and
// only those, the result changed there and is the saved mask healed in Node (healed in place,
// as a mouse stroke is); Ctrl+Z takes the stroke back (the mask byte for byte as before); Esc
// with the pen down keeps the stroke and puts the brush away, after which the arrows pan the
// view again. What the keys did is read from the page's status region, as a screen reader
// would. Screenshot build/screenshots/repair-keys.png (the brush's circle, pen down).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createStudio } from '../../web/studio.js';
import { pageFor, CHROMIUM, download, maskChanged as changed, maskSettled as settled, shot, waitState } from './browser.mjs';
import { photoFile, photoImage } from '../node/photos.mjs';

const W = 700, H = 460; // as repair.test.mjs: a size at which the detector keeps the scratch

let nodeStudio;
const studio = async () => (nodeStudio ||= await createStudio({ threads: 1 }));
test.after(() => nodeStudio?.terminate());

// The status region's sentence once it matches `re`: its numbers.
async function said(page, re) {
  await page.waitForFunction((src) => new RegExp(src).test(document.querySelector('#mask-keys').textContent), re.source);
  return re.exec(await page.textContent('#mask-keys')).slice(1).map(Number);
}

test('Repair by keyboard alone: a stroke painted with the keys marks, heals in place, undoes; Esc puts the brush away', async (t) => {
  if (!fs.existsSync(CHROMIUM)) { t.skip(`${CHROMIUM} not installed`); return; }
  const file = await photoFile('scratched.png', { kind: 'scratched', width: W, height: H });
  const { page, check } = await pageFor(t);
  await page.getByLabel('Open images').setInputFiles([file]);
  await waitState(page, 'scratched.png', ['ready']);
  await page.getByRole('button', { name: 'Repair', exact: true }).click();
  const found = await settled(page);
  await page.getByRole('button', { name: 'Heal' }).click();
  await waitState(page, 'scratched.png', ['done']);
  await page.waitForFunction(() => document.querySelector('#viewer').classList.contains('has-result'));
  const s = await studio();
  const mask0 = await s.decode((await download(page, 'Save mask')).bytes);
  const result0 = await s.decode((await download(page)).bytes);
  const strokes0 = Number(await page.getAttribute('#mask-status', 'data-strokes') || 0);

  // Enter: the brush at the middle, pen up; Shift+ArrowDown moves it a big step, said once the arrows pause
  await page.locator('#viewer').focus();
  await page.keyboard.press('Enter');
  const [x0, y0] = await said(page, /^Brush at (\d+), (\d+), 9 px, pen up\. Arrows move it/);
  assert.ok(Math.abs(x0 - W / 2) <= 1 && Math.abs(y0 - H / 2) <= 1, `the brush is at ${x0}, ${y0}, not the middle`);
  await page.keyboard.press('Shift+ArrowDown');
  const [x1, y1] = await said(page, /^Brush at (\d+), (\d+), 9 px, pen up\.$/);
  assert.ok(x1 === x0 && y1 > y0 + 8, `Shift+ArrowDown: ${x0}, ${y0} -> ${x1}, ${y1}`);
  assert.equal(await settled(page), found, 'moving with the pen up marks nothing');

  // Enter: pen down; eight arrows right paint; Enter: pen up, one stroke
  await page.keyboard.press('Enter');
  assert.deepEqual(await said(page, /^Pen down at (\d+), (\d+): marking damage\.$/), [x1, y1]);
  for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
  await shot(page, 'repair-keys');
  await page.keyboard.press('Enter');
  const [x2, y2] = await said(page, /^Pen up at (\d+), (\d+): damage marked along the stroke\.$/);
  assert.ok(y2 === y1 && x2 >= x1 + 8, `the stroke ${x1}, ${y1} -> ${x2}, ${y2}`);
  const marked = await changed(page, found);
  await page.waitForFunction((n) => Number(document.querySelector('#mask-status').dataset.strokes || 0) > n, strokes0);

  // the mask: every pixel along the stroke marked, nothing changed farther than the brush reaches
  const saved = await download(page, 'Save mask');
  const mask1 = await s.decode(saved.bytes);
  const at = (img, x, y) => img.data[y * W + x];
  for (let x = x1; x <= x2; x++) for (const y of [y1 - 3, y1, y1 + 3]) assert.equal(at(mask1, x, y), 255, `mask at ${x}, ${y}`);
  let gained = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (at(mask1, x, y) === at(mask0, x, y)) continue;
      const d = Math.hypot(x - Math.min(x2, Math.max(x1, x)), y - y1);
      assert.ok(at(mask1, x, y) === 255 && d <= 4.5 + 1e-6, `mask changed at ${x}, ${y}, ${d.toFixed(1)} px from the stroke`);
      gained++;
    }
  }
  assert.ok(gained > 0, "the stroke marked nothing new");
  assert.equal(mask1.data.filter((v) => v).length, marked, 'the status counts the saved mask');

  // the result healed in place there: changed under the stroke, and the saved mask healed
  const result1 = await s.decode((await download(page)).bytes);
  let moved = 0;
  for (let y = y1 - 4; y <= y1 + 4; y++) {
    for (let x = x1 - 4; x <= x2 + 4; x++) for (let c = 0; c < 3; c++) if (result1.data[(y * W + x) * 3 + c] !== result0.data[(y * W + x) * 3 + c]) moved++;
  }
  assert.ok(moved > 0, 'the result is the same under the stroke');
  const healed = await s.repair(photoImage({ kind: 'scratched', width: W, height: H }), { mask: saved.bytes });
  assert.deepEqual(result1.data, healed.data, 'the download is the saved mask healed');

  // Ctrl+Z: the stroke taken back as one, the mask as it was
  await page.keyboard.press('Control+z');
  assert.equal(await changed(page, marked), found, 'Ctrl+Z');
  assert.deepEqual((await s.decode((await download(page, 'Save mask')).bytes)).data, mask0.data, 'the mask after Ctrl+Z');

  // Esc with the pen down: the stroke kept, the brush put away; then the arrows pan the view
  await page.locator('#viewer').focus(); // (the downloads' buttons took the focus, which lifted no pen: it was up)
  await page.keyboard.press('Enter'); // the brush is still where it was
  assert.deepEqual(await said(page, /^Pen down at (\d+), (\d+): marking damage\.$/), [x2, y2]);
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Escape');
  await said(page, /^Pen up at \d+, \d+: damage marked along the stroke\. Keyboard brush put away\.$/);
  const kept = await changed(page, found);
  assert.ok(kept > found, 'the stroke ended by Esc was kept');
  assert.equal(await page.evaluate(() => document.querySelector('#viewer').classList.contains('zoomed')), false);
  const text = await page.textContent('#mask-keys');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.evaluate(() => document.querySelector('#viewer').classList.contains('zoomed')), true, 'the arrow panned the view');
  assert.equal(await settled(page), kept, 'the arrow painted nothing');
  assert.equal(await page.textContent('#mask-keys'), text);
  await page.keyboard.press('Control+z');
  assert.equal(await changed(page, kept), found, 'Ctrl+Z after Esc');
  await check();
});
