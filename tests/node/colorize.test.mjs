// Colorization through WASM: the same result as the native build (within 1 level; XNNPACK's
// WASM and x86 kernels sum in different orders), the JS API with model loading, cached
// re-reads and clear refusals. Uses the synthetic models `tools/studio test` writes (with or
// without ../shared) and a grey photo made here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createStudio } from '../../web/studio.js';
import { MODELS, NATIVE_CLI, run, scratchDir } from './helpers.mjs';
import { photoFile } from './photos.mjs';

const model = path.join(MODELS, 'synthetic-1.caffemodel');

test('WASM colorize equals native colorize within 1 level, both builds', async (t) => {
  if (!fs.existsSync(model)) { t.skip(`${model} missing (tools/studio test makes it)`); return; }
  const grey = await photoFile('grey.png', { kind: 'grey' });
  const dir = scratchDir('col-');
  const r = await run(NATIVE_CLI, ['colorize', grey, path.join(dir, 'native.png'), '--model', model, '--threads', '1']);
  assert.equal(r.code, 0, r.stderr);
  const e = await run(NATIVE_CLI, ['colorize', grey, path.join(dir, 'edges.png'), '--model', model, '--threads', '1', '--upsample', 'edge-aware']);
  assert.equal(e.code, 0, e.stderr);
  for (const threads of [1, 2]) {
    const studio = await createStudio({ threads });
    try {
      const native = await studio.decode(fs.readFileSync(path.join(dir, 'native.png')));
      await studio.loadModel(fs.readFileSync(model));
      const stages = new Set();
      const out = await studio.colorize(fs.readFileSync(grey), { onProgress: (s) => stages.add(s) });
      assert.deepEqual([out.width, out.height, out.channels], [768, 512, 3]);
      assert.ok(stages.has('network'));
      let max = 0;
      for (let i = 0; i < out.data.length; i++) max = Math.max(max, Math.abs(out.data[i] - native.data[i]));
      assert.ok(max <= 1, `${studio.build}: differs from native by ${max}`);
      // other vibrance and saturation re-read the cached distribution: colours change, no network run
      const seen = new Set();
      const bold = await studio.colorize(fs.readFileSync(grey), { vibrance: 0.2, saturation: 1.5, onProgress: (s) => seen.add(s) });
      assert.ok(!seen.has('network'), 'the network ran again');
      assert.notDeepEqual(bold.data, out.data);
      // edge-aware enlargement: also a re-read, and the native build's pixels within 1 level
      const edges = await studio.colorize(fs.readFileSync(grey), { edgeAware: true, onProgress: (s) => seen.add(s) });
      const nativeEdges = await studio.decode(fs.readFileSync(path.join(dir, 'edges.png')));
      let maxE = 0;
      for (let i = 0; i < edges.data.length; i++) maxE = Math.max(maxE, Math.abs(edges.data[i] - nativeEdges.data[i]));
      assert.ok(maxE <= 1 && !seen.has('network'), `${studio.build}: edge-aware differs from native by ${maxE}`);
      const conf = await studio.confidence();
      assert.deepEqual([conf.width, conf.height, conf.data.length], [56, 56, 56 * 56]);
      assert.ok(conf.data.every((v) => v >= 0 && v <= 1));
      await assert.rejects(studio.colorize(fs.readFileSync(grey), { vibrance: 3 }), /vibrance must be in 0\.1\.\.1/);
      // XNNPACK's direct convolutions instead of Winograd: the network runs again, same colours
      const direct = await studio.colorize(fs.readFileSync(grey), { conv: 'direct', onProgress: (s) => seen.add(s) });
      let maxD = 0;
      for (let i = 0; i < direct.data.length; i++) maxD = Math.max(maxD, Math.abs(direct.data[i] - out.data[i]));
      assert.ok(seen.has('network') && maxD <= 1, `${studio.build}: direct convolutions differ from Winograd by ${maxD}`);
      await assert.rejects(studio.colorize(fs.readFileSync(grey), { conv: 'fft' }), /conv must be auto, direct or winograd, not fft/);
    } finally {
      await studio.terminate();
    }
  }
});

test('a broken or truncated model is refused with a reason', async (t) => {
  if (!fs.existsSync(model)) { t.skip('synthetic models missing'); return; }
  const studio = await createStudio({ threads: 1 });
  t.after(() => studio.terminate());
  await assert.rejects(studio.colorize(new Uint8Array(10)), /Colorize needs colour hints or the colorization model/);
  await assert.rejects(studio.loadModel(fs.readFileSync(path.join(MODELS, 'synthetic-3-broken-conv5_2.caffemodel'))),
    /layer 'conv5_2' weights should be 512x512x3x3/);
  const bytes = fs.readFileSync(model);
  await assert.rejects(studio.loadModel(bytes.subarray(0, bytes.length >> 1)), (e) => e.code === 'corrupt' && /truncated or corrupt Caffe model/.test(e.message));
  await assert.rejects(studio.loadModel(new Uint8Array(0)), /empty/);
});

test('int8 conversion in WASM is checked against f32 and says so; the file loads', async (t) => {
  if (!fs.existsSync(model)) { t.skip(`${model} missing (tools/studio test makes it)`); return; }
  const studio = await createStudio({ threads: 2 });
  try {
    const c = await studio.convertModel(fs.readFileSync(model), { precision: 'int8' });
    assert.equal(c.precision, 'int8');
    assert.ok(c.int8.checked && !c.int8.refused && c.int8.p99 > 0 && c.int8.p99 <= c.int8.bound && c.int8.max >= c.int8.p99, JSON.stringify(c.int8));
    assert.equal(new TextDecoder().decode(c.bytes.subarray(0, 7)), 'ESMODEL');
    await studio.loadModel(c.bytes);
    const f16 = await studio.convertModel(fs.readFileSync(model), { precision: 'f16' });
    assert.deepEqual([f16.precision, f16.int8], ['f16', null]);
  } finally {
    await studio.terminate();
  }
});
