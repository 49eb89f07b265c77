// The JS API as a page uses it: a worker owns the module, calls are async with progress
// events, failures are StudioErrors with the core's sentence, cancel() leaves it usable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createStudio, pickBuild, hasSimd, StudioError } from '../../web/studio.js';
import { photoFile } from './photos.mjs';
import { MODELS } from './helpers.mjs';

test('build choice: threads only when more than one is wanted and memory can be shared', () => {
  assert.ok(hasSimd());
  assert.deepEqual(pickBuild({ threads: 1 }), { build: 'st', threads: 1 });
  assert.equal(pickBuild({ threads: 4 }).build, 'mt'); // Node always has SharedArrayBuffer
  assert.equal(pickBuild({ threads: 64 }).threads, 8);
});

for (const threads of [1, 2]) {
  test(`worker round trip (${threads} thread${threads > 1 ? 's' : ''})`, async (t) => {
    const studio = await createStudio({ threads });
    t.after(() => studio.terminate());
    assert.equal(studio.build, threads > 1 ? 'mt' : 'st');
    assert.equal(studio.threads, threads);
    const w = 40, h = 30, data = new Uint8Array(w * h * 3).map((_, i) => (i * 11) & 255);
    const png = await studio.encode({ width: w, height: h, channels: 3, data }, { format: 'png' });
    assert.deepEqual([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
    const info = await studio.info(png);
    assert.equal(info.description, 'PNG 40x30, 3 channels, 8-bit RGB');
    const stages = [];
    const img = await studio.decode(png, { onProgress: (stage, f) => stages.push(`${stage}:${f}`) });
    assert.deepEqual(img.data, data);
    assert.deepEqual(stages, ['decode:0', 'decode:1']);
    // ImageData-shaped input (no channel count: RGBA)
    const rgba = { width: 2, height: 1, data: new Uint8ClampedArray([255, 0, 0, 128, 0, 0, 255, 255]) };
    const jpg = await studio.encode(rgba, { format: 'jpeg', quality: 90 });
    assert.equal((await studio.info(jpg)).format, 'jpeg');
    const small = await studio.resize(img, 20, 15, { filter: 'area' });
    assert.deepEqual([small.width, small.height], [20, 15]);
  });
}

test('errors are StudioErrors with a code and the core sentence', async (t) => {
  const studio = await createStudio({ threads: 1 });
  t.after(() => studio.terminate());
  await assert.rejects(studio.decode(new Uint8Array(0)), (e) => e instanceof StudioError && e.code === 'format' && e.message === 'the file is empty');
  await assert.rejects(studio.encode({ width: 1, height: 1, channels: 3, data: new Uint8Array(3) }, { format: 'gif' }), /png or jpeg/);
  // still usable after a failure
  assert.equal((await studio.info(await studio.encode({ width: 1, height: 1, channels: 1, data: new Uint8Array(1) }))).width, 1);
});

test('cancel rejects the call in flight and the studio keeps working', async (t) => {
  const bytes = fs.readFileSync(await photoFile('cancel.jpg', { kind: 'scene', width: 1800, height: 1200 }));
  const studio = await createStudio({ threads: 1 });
  t.after(() => studio.terminate());
  const rejected = assert.rejects(studio.decode(bytes), (e) => e.code === 'cancelled');
  await studio.cancel();
  await rejected;
  const img = await studio.decode(bytes);
  assert.deepEqual([img.width, img.height], [1800, 1200]);
});

// loadModel keeps no copy of bytes given to it (60 MB for an f16 model): cancel() reloads the
// caller's own bytes into the new worker, and says so if they were transferred since.
test('a model given as bytes is reloaded after cancel() from the same bytes, not a copy', async (t) => {
  const file = path.join(MODELS, 'synthetic-1-int8.esm');
  if (!fs.existsSync(file)) { t.skip(`${file} missing (tools/studio test makes it)`); return; }
  const studio = await createStudio({ threads: 1 });
  t.after(() => studio.terminate());
  const grey = fs.readFileSync(await photoFile('grey.png', { kind: 'grey', width: 96, height: 64 }));
  const bytes = new Uint8Array(fs.readFileSync(file));
  await studio.loadModel(bytes);
  const first = await studio.colorize(grey);
  await studio.cancel();
  assert.deepEqual((await studio.colorize(grey)).data, first.data, 'the model was not reloaded after cancel()');
  structuredClone(bytes.buffer, { transfer: [bytes.buffer] }); // the caller gives its bytes away
  await assert.rejects(studio.cancel(), (e) => e.code === 'argument' && /transferred or cut since: load the model again/.test(e.message));
  assert.equal((await studio.info(grey)).width, 96, 'the studio is still usable');
  await studio.cancel(); // no model any more: nothing to reload
});
