// Repair (dust, scratches, cracks) through WASM: equal to the native CLI (within 1 level,
// both builds; the masks equal) on a synthetic damaged photo (photos.mjs 'scratched': a dark
// scratch across the sky and three specks), detected and healed, and healing a given mask;
// the JS API (studio.repair with the mask used, detectDamage, progress, the core's refusals);
// bad masks (another size, grey+alpha, not an image) refused with the core's reason; cancel();
// the page's session: the mask's brush edits, undo, and an edit healed again in place equal,
// byte for byte, to healing the whole photo with the new mask; a mask saved and opened again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadCore } from '../../web/core.js';
import { createStudio } from '../../web/studio.js';
import { NATIVE_CLI, ROOT, run, scratchDir } from './helpers.mjs';
import { photoImage, png, scratch } from './photos.mjs';

const SIZE = { width: 333, height: 217 };

const maxDiff = (a, b) => {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
};
// Of the scratch's pixels, the share the mask marks; and the mean distance from the clean
// scene over them.
function covered(mask, truth) {
  let n = 0, hit = 0;
  for (let p = 0; p < truth.length; p++) if (truth[p]) { n++; hit += mask.data[p * mask.channels] !== 0; }
  return hit / n;
}
function errorOn(img, clean, truth) {
  let n = 0, sum = 0;
  for (let p = 0; p < truth.length; p++) if (truth[p]) { n++; for (let c = 0; c < 3; c++) sum += Math.abs(img.data[3 * p + c] - clean.data[3 * p + c]); }
  return sum / (3 * n);
}
const grey = (width, height, fill) => ({ width, height, channels: 1, data: new Uint8Array(width * height).fill(fill) });

test('WASM repair equals the native CLI (within 1 level, both builds): detected and healed, and a given mask healed', async () => {
  const dir = scratchDir('repair-');
  const input = photoImage({ kind: 'scratched', ...SIZE }), clean = photoImage({ kind: 'scene', ...SIZE }), truth = scratch(SIZE.width, SIZE.height);
  const file = (f) => path.join(dir, f);
  fs.writeFileSync(file('in.png'), png(input));
  let r = await run(NATIVE_CLI, ['repair', file('in.png'), file('native.png'), '--threads', '1', '--save-mask', file('native-mask.png')]);
  assert.equal(r.code, 0, r.stderr);
  // a given mask: the true one, healed exactly
  fs.writeFileSync(file('truth.png'), png({ ...SIZE, channels: 1, data: truth.map((v) => v * 255) }));
  r = await run(NATIVE_CLI, ['repair', file('in.png'), file('native-given.png'), '--threads', '1', '--mask', file('truth.png'), '--radius', '7']);
  assert.equal(r.code, 0, r.stderr);
  const st = await loadCore({ build: 'st' });
  const native = st.decode(fs.readFileSync(file('native.png'))), nativeMask = st.decode(fs.readFileSync(file('native-mask.png')));
  const nativeGiven = st.decode(fs.readFileSync(file('native-given.png')));
  const bytes = fs.readFileSync(file('in.png'));
  for (const [build, core] of [['st', st], ['mt', await loadCore({ build: 'mt', threads: 2 })]]) {
    const out = core.repair(bytes);
    assert.deepEqual([out.width, out.height, out.channels, out.mask.width, out.mask.height, out.mask.channels], [SIZE.width, SIZE.height, 3, SIZE.width, SIZE.height, 1]);
    assert.deepEqual(out.mask.data, nativeMask.data, `${build}: the mask detected is the native CLI's`);
    assert.ok(maxDiff(out.data, native.data) <= 1, `${build}: differs from native by ${maxDiff(out.data, native.data)} levels`);
    assert.deepEqual(core.repairDetect(bytes).data, out.mask.data, `${build}: repairDetect finds what repair healed`);
    const given = core.repairHeal(bytes, fs.readFileSync(file('truth.png')), { radius: 7 });
    assert.ok(maxDiff(given.data, nativeGiven.data) <= 1, `${build}: a given mask differs from native by ${maxDiff(given.data, nativeGiven.data)} levels`);
    if (build === 'mt') core.dispose();
  }
  // what it is for: most of the scratch found, and healed far closer to the clean scene
  const found = covered(st.decode(fs.readFileSync(file('native-mask.png'))), truth);
  const [before, after] = [errorOn(input, clean, truth), errorOn(native, clean, truth)];
  assert.ok(found >= 0.8, `the mask covers ${(found * 100).toFixed(1)}% of the scratch`);
  assert.ok(after < 0.25 * before, `mean error on the scratch ${before.toFixed(1)} -> ${after.toFixed(1)} levels`);
  st.dispose();
});

test('studio.repair and detectDamage: the mask used, progress, a given mask healed exactly, the core\'s refusals', async (t) => {
  const studio = await createStudio({ threads: 2 });
  t.after(() => studio.terminate());
  // (at 240x160 the scene's fence posts are 4 px wide, dark lines as the scratch is: the scratch
  // is judged apart from them, its pixels linked only where their orientations agree, and 74 % of
  // it is found; src/repair/README.md)
  const { width, height } = SIZE;
  const input = photoImage({ kind: 'scratched', width, height }), truth = scratch(width, height);
  const stages = new Set();
  const out = await studio.repair(input, { onProgress: (s) => stages.add(s) });
  assert.ok(stages.has('detect') && stages.has('heal'), [...stages].join());
  assert.deepEqual([out.width, out.height, out.channels, out.mask.channels], [width, height, 3, 1]);
  assert.ok(covered(out.mask, truth) >= 0.8, `the mask covers ${covered(out.mask, truth)} of the scratch`);
  const detected = await studio.detectDamage(input);
  assert.deepEqual(detected.data, out.mask.data, 'detectDamage: the mask repair healed');
  assert.ok([...detected.data].every((v) => v === 0 || v === 255));
  // a given mask (as pixels, its channels told by its bytes): exactly it, nothing else changes
  const mask = { width, height, data: truth.map((v) => v * 255) };
  const given = await studio.repair(input, { mask, radius: 3 });
  assert.deepEqual(given.mask.data, mask.data, 'the mask used is the one given');
  for (let p = 0; p < truth.length; p++) {
    if (!truth[p]) for (let c = 0; c < 3; c++) assert.equal(given.data[3 * p + c], input.data[3 * p + c], `pixel ${p} outside the mask changed`);
  }
  // an RGBA mask counts its colour (alpha ignored), and as PNG bytes too
  const rgba = { width, height, channels: 4, data: new Uint8Array(width * height * 4) };
  for (let p = 0; p < truth.length; p++) { rgba.data[4 * p] = truth[p] * 200; rgba.data[4 * p + 3] = 255 - truth[p] * 255; }
  assert.deepEqual((await studio.repair(input, { mask: rgba, radius: 3 })).data, given.data, 'an RGBA mask');
  assert.deepEqual((await studio.repair(input, { mask: png({ ...mask, channels: 1 }), radius: 3 })).data, given.data, 'a PNG mask');
  // options: the core's sentences, code 'argument'
  await assert.rejects(studio.repair(input, { sensitivity: 2 }), (e) => e.code === 'argument' && /repair option sensitivity must be in 0\.\.1, not 2/.test(e.message));
  await assert.rejects(studio.repair(input, { radius: 20 }), /repair option radius must be in 2\.\.12, not 20/);
  await assert.rejects(studio.detectDamage(input, { grow: 9 }), /repair option grow must be in 0\.\.3, not 9/);
  await assert.rejects(studio.repair(input, { blur: 1 }), /unknown repair option 'blur'/);
  await assert.rejects(studio.repair(new Uint8Array([1, 2, 3])), (e) => e.code === 'format');
});

test('bad masks refused with the core\'s reason: another size, grey+alpha, not an image', async (t) => {
  const studio = await createStudio({ threads: 1 });
  t.after(() => studio.terminate());
  const input = photoImage({ kind: 'scratched', width: 160, height: 120 });
  const wrongSize = /^repair: the mask is 80x60, the photo 160x120: a mask must be the photo's size$/;
  for (const mask of [grey(80, 60, 255), png(grey(80, 60, 255))]) {
    await assert.rejects(studio.repair(input, { mask }), (e) => e.code === 'argument' && wrongSize.test(e.message));
  }
  const greyAlpha = { width: 160, height: 120, channels: 2, data: new Uint8Array(160 * 120 * 2) };
  for (const mask of [greyAlpha, png(greyAlpha)]) {
    await assert.rejects(studio.repair(input, { mask }), (e) => e.code === 'argument' && /^repair: the mask has 2 channels: it must be grey \(1\), RGB \(3\) or RGBA \(4\)$/.test(e.message));
  }
  await assert.rejects(studio.repair(input, { mask: new TextEncoder().encode('not a mask at all') }),
    (e) => e.code === 'format' && /^repair: the mask is not an image we read: not a JPEG, PNG or BMP file/.test(e.message));
  // a mask opened on a kept photo: the same refusals, and the mask before stays
  await studio.open('p', png(input));
  const begun = await studio.repairBegin('p');
  await assert.rejects(studio.repairLoad('p', png(grey(80, 60, 255))), (e) => wrongSize.test(e.message));
  await assert.rejects(studio.repairLoad('p', png(greyAlpha)), /the mask has 2 channels/);
  await assert.rejects(studio.repairLoad('p', new Uint8Array([0x89, 0x50, 0x4e, 0x47])), (e) => /^repair: the mask is not an image we read: /.test(e.message));
  assert.equal((await studio.repairEdit('p', [])).damaged, begun.damaged, 'the mask before the refusals stays');
});

test('cancel() stops a repair in flight; the studio goes on', async (t) => {
  const studio = await createStudio({ threads: 2 });
  t.after(() => studio.terminate());
  const big = photoImage({ kind: 'scratched', width: 1600, height: 1200 });
  const mask = grey(1600, 1200, 0);
  for (let y = 0; y < 1200; y += 6) mask.data.fill(255, y * 1600, y * 1600 + 1600); // a line every 6 rows: every tile to heal
  let started;
  const healing = new Promise((resolve) => { started = resolve; });
  const rejected = assert.rejects(studio.repair(big, { mask, onProgress: (s) => s === 'heal' && started() }), (e) => e.code === 'cancelled');
  await healing;
  await studio.cancel();
  await rejected;
  const small = photoImage({ kind: 'scratched', width: 96, height: 64 });
  assert.equal((await studio.repair(small)).width, 96, 'the studio works after cancel()');
});

test('the page\'s session: brush edits, undo, an edit healed again in place equal to the whole photo healed', async (t) => {
  const studio = await createStudio({ threads: 2 });
  t.after(() => studio.terminate());
  const { width, height } = { width: 1400, height: 900 };
  const input = photoImage({ kind: 'scratched', width, height });
  await studio.open('p', png(input));
  const begun = await studio.repairBegin('p');
  assert.deepEqual([begun.overlay.x, begun.overlay.y, begun.overlay.width, begun.overlay.height, begun.overlay.whole], [0, 0, width, height, true]);
  assert.ok(begun.damaged > 0 && begun.healed === null);
  // a stroke added: only its box answered, its pixels counted
  const add = { id: 1, kind: 'add', width: 9, path: [[300, 300], [420, 330], [500, 380]] };
  const a = await studio.repairEdit('p', [add]);
  assert.ok(a.overlay.width <= 215 && a.overlay.height <= 95 && !a.overlay.whole, JSON.stringify(a.overlay));
  assert.ok(a.damaged > begun.damaged + 1000, `${begun.damaged} -> ${a.damaged}`);
  // erased over part of the detected scratch, then undone and done again
  const erase = { id: 2, kind: 'erase', width: 30, path: [[200, 100], [260, 105]] }; // over the scratch's left end
  const e = await studio.repairEdit('p', [add, erase]);
  assert.ok(e.damaged < a.damaged, 'the eraser took pixels off');
  assert.equal((await studio.repairEdit('p', [add])).damaged, a.damaged, 'undo');
  assert.equal((await studio.repairEdit('p', [add, erase])).damaged, e.damaged, 'redo');
  // heal: the run answers the damaged count; the mask saved is the current one
  const ran = await studio.run('p', 'repair', { radius: 5 });
  assert.equal(ran.damaged, e.damaged);
  const saved = await studio.repairSaveMask('p');
  // an edit once healed: the part healed again comes back, and the result is the whole photo
  // healed with the new mask, byte for byte
  const stroke = { id: 3, kind: 'add', width: 7, path: [[100, 250], [180, 260], [290, 300]] };
  const s = await studio.repairEdit('p', [add, erase, stroke]);
  assert.ok(s.healed && s.healed.width * s.healed.height < 0.5 * width * height, JSON.stringify(s.healed && { ...s.healed, image: undefined }));
  t.diagnostic(`an edit healed again in ${s.ms} ms (${s.healed.width}x${s.healed.height} px of the result)`);
  const now = await studio.repairSaveMask('p');
  const whole = await studio.repair(input, { mask: now, radius: 5 });
  const kept = await studio.decode(await studio.export('p', { format: 'png' }));
  assert.deepEqual(kept.data, whole.data, 'the result after an edit healed in place is the whole photo healed with the new mask');
  // a wide stroke (a 13 px square of mask fits: the core fills it from patches, whose sources
  // reach as far as the hole is wide): the whole photo is healed again, the same pixels
  const broad = { id: 4, kind: 'add', width: 31, path: [[700, 600], [800, 640]] };
  const b = await studio.repairEdit('p', [add, erase, stroke, broad]);
  assert.ok(b.healed && b.healed.width === width && b.healed.height === height, 'a wide hole heals the whole photo again');
  const wide = await studio.repair(input, { mask: await studio.repairSaveMask('p'), radius: 5 });
  assert.deepEqual((await studio.decode(await studio.export('p', { format: 'png' }))).data, wide.data, 'after a wide stroke: the whole photo healed with the new mask');
  // undo of those strokes: back to the first heal's pixels
  await studio.repairEdit('p', [add, erase]);
  const first = await studio.repair(input, { mask: saved, radius: 5 });
  assert.deepEqual((await studio.decode(await studio.export('p', { format: 'png' }))).data, first.data, 'undo heals back to the earlier mask');
  // the saved mask opened again: the same mask, its edits dropped
  const loaded = await studio.repairLoad('p', saved);
  assert.equal(loaded.damaged, e.damaged);
  assert.deepEqual(loaded.edits, []);
  assert.deepEqual(await studio.repairSaveMask('p'), saved);
  const decoded = await studio.decode(saved);
  assert.deepEqual([decoded.width, decoded.height, decoded.channels], [width, height, 1]);
});

test('tools/studio --wasm repair: a batch with masks from a folder, the masks saved; the same lines and files as native', async () => {
  const dir = scratchDir('repair-batch-'), file = (...f) => path.join(dir, ...f);
  for (const [name, w, h, seed] of [['a', 240, 160, 1], ['b', 200, 150, 2], ['c', 240, 160, 3]]) {
    fs.writeFileSync(file(`${name}.png`), png(photoImage({ kind: 'scratched', width: w, height: h, seed })));
  }
  fs.writeFileSync(file('broken.png'), 'not an image');
  fs.mkdirSync(file('masks'));
  fs.writeFileSync(file('masks', 'a-mask.png'), png({ width: 240, height: 160, channels: 1, data: scratch(240, 160).map((v) => v * 255) }));
  fs.writeFileSync(file('masks', 'b-mask.png'), png(grey(10, 10, 255)));
  fs.writeFileSync(file('masks', 'c-mask.png'), 'not a mask');
  const studio = path.join(ROOT, 'tools', 'studio'), inputs = ['a.png', 'b.png', 'c.png', 'broken.png'].map((f) => file(f));
  const lines = (r) => r.stderr.replace(/ \(\d+ ms\)/g, '').replace(/(wasm|native)-/g, '').trim().split('\n');
  const got = {};
  for (const how of ['wasm', 'native']) {
    fs.mkdirSync(file(`${how}-saved`));
    const args = [...(how === 'wasm' ? ['--wasm'] : []), 'repair', ...inputs, '-o', file(`${how}-out`), '--mask', file('masks'), '--save-mask', file(`${how}-saved`),
      ...(how === 'native' ? ['--threads', '1'] : [])];
    got[how] = await run(studio, args);
    assert.equal(got[how].code, 1, `${how}: a failed file makes the batch exit 1`);
  }
  assert.deepEqual(lines(got.wasm), lines(got.native), 'the same lines');
  const said = lines(got.native).join('\n');
  assert.match(said, /b\.png: error: repair: the mask is 10x10, the photo 200x150: a mask must be the photo's size/);
  assert.match(said, /c\.png: error: mask .*c-mask\.png is not an image we read: not a JPEG, PNG or BMP file/);
  assert.match(said, /broken\.png: error: mask .*broken-mask\.png: cannot open: No such file or directory/);
  assert.match(said, /1 of 4 repaired$/);
  for (const f of ['out/a-repaired.png', 'saved/a-mask.png']) {
    assert.deepEqual(fs.readFileSync(file(`wasm-${f}`)), fs.readFileSync(file(`native-${f}`)), f);
  }
  // detection: --detect and --save-mask, the same files; usage errors refused before any file
  for (const how of ['wasm', 'native']) {
    const r = await run(studio, [...(how === 'wasm' ? ['--wasm'] : []), 'repair', file('a.png'), file(`${how}-d.png`), '--detect', '0.7', '--save-mask', file(`${how}-d-mask.png`)]);
    assert.equal(r.code, 0, r.stderr);
    const both = await run(studio, [...(how === 'wasm' ? ['--wasm'] : []), 'repair', file('a.png'), file('x.png'), '--mask', file('masks', 'a-mask.png'), '--detect', '0.5']);
    assert.equal(both.code, 1);
    assert.match(both.stderr, /^studio: --mask heals exactly the mask given; --detect is for finding one: not both/m);
    const bad = await run(studio, [...(how === 'wasm' ? ['--wasm'] : []), 'repair', file('a.png'), file('x.png'), '--grow', '7']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /^studio: repair option grow must be in 0\.\.3, not 7/m);
    assert.ok(!fs.existsSync(file('x.png')));
  }
  assert.deepEqual(fs.readFileSync(file('wasm-d.png')), fs.readFileSync(file('native-d.png')));
  assert.deepEqual(fs.readFileSync(file('wasm-d-mask.png')), fs.readFileSync(file('native-d-mask.png')));
});
