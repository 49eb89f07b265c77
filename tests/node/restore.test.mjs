// Restore colour through WASM: equal to the native build (within 1 level, both builds, at
// strength 1 and auto) on a synthetic faded print (photos.mjs 'faded': the scene's densities
// scaled by 0.6 / 0.8 / 0.95, 0.08 of yellow stain), its yellow cast reduced; the JS API with its
// analysis, progress and the core's refusals; grey in, grey out unchanged; alpha kept; the
// queue's suggestion from the fade; `tools/studio --wasm restore` as a batch, its --report
// lines as the native CLI's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadCore } from '../../web/core.js';
import { createStudio } from '../../web/studio.js';
import { NATIVE_CLI, ROOT, run, scratchDir } from './helpers.mjs';
import { colourError, photoImage, png } from './photos.mjs';

const SIZE = { width: 333, height: 217 };

for (const strength of ['1', 'auto']) {
  test(`WASM restore equals native restore (within 1 level), both builds: strength ${strength}`, async () => {
    const dir = scratchDir('restore-');
    const st = await loadCore({ build: 'st' });
    const input = photoImage({ kind: 'faded', ...SIZE });
    fs.writeFileSync(path.join(dir, 'in.png'), png(input));
    const r = await run(NATIVE_CLI, ['restore', path.join(dir, 'in.png'), path.join(dir, 'native.png'), '--threads', '1', '--strength', strength]);
    assert.equal(r.code, 0, r.stderr);
    const native = st.decode(fs.readFileSync(path.join(dir, 'native.png')));
    const bytes = fs.readFileSync(path.join(dir, 'in.png'));
    for (const [build, core] of [['st', st], ['mt', await loadCore({ build: 'mt', threads: 2 })]]) {
      const out = core.restore(bytes, { strength });
      assert.deepEqual([out.width, out.height, out.channels], [SIZE.width, SIZE.height, 3]);
      let max = 0;
      for (let i = 0; i < out.data.length; i++) max = Math.max(max, Math.abs(out.data[i] - native.data[i]));
      assert.ok(max <= 1, `${build}: differs from native by ${max} levels`);
      if (build === 'mt') core.dispose();
    }
    // the cast reduced against the unfaded scene: the yellow stain (b*) by half, the colour
    // error overall. (Not asserted: red, the cyan dye's loss, is over-corrected on this
    // scene, whose whites are a blue sky: a* goes from +4 to about -13.)
    const original = photoImage({ kind: 'scene', ...SIZE });
    const before = colourError(input, original), after = colourError(native, original);
    const said = `a* ${before.da.toFixed(1)} -> ${after.da.toFixed(1)}, b* ${before.db.toFixed(1)} -> ${after.db.toFixed(1)}, dab ${before.dab.toFixed(1)} -> ${after.dab.toFixed(1)}`;
    assert.ok(Math.abs(after.db) < 0.5 * Math.abs(before.db) && after.dab < before.dab, said);
    st.dispose();
  });
}

test('studio.restore and analyzeFade: the analysis, progress, the core\'s refusals, grey and alpha', async (t) => {
  const studio = await createStudio({ threads: 2 });
  t.after(() => studio.terminate());
  const faded = photoImage({ kind: 'faded', width: 160, height: 120 });
  const fade = await studio.analyzeFade(faded);
  assert.ok(fade.retention[0] < fade.retention[1] && fade.colour >= 0.5 && fade.strength >= 0.5, JSON.stringify(fade));
  const stages = new Set();
  const out = await studio.restore(faded, { onProgress: (s) => stages.add(s) });
  assert.deepEqual(out.fade, fade, 'restore answers the analysis it used, the same as analyzeFade');
  assert.ok(stages.has('analyse') && stages.has('restore'), [...stages].join());
  assert.deepEqual((await studio.restore(faded, { strength: 0 })).data, faded.data, 'strength 0 returns the input');
  // bad values: the core's sentences, code 'argument'
  await assert.rejects(studio.restore(faded, { strength: 1.5 }), (e) => e.code === 'argument' && /restore option strength must be in 0\.\.1, not 1\.5/.test(e.message));
  await assert.rejects(studio.restore(faded, { contrast: -0.1 }), (e) => e.code === 'argument' && /contrast must be in 0\.\.1/.test(e.message));
  await assert.rejects(studio.restore(faded, { contrast: 'auto' }), /restore option contrast needs a number, not 'auto'/);
  await assert.rejects(studio.restore(faded, { glow: 1 }), /unknown restore option 'glow'/);
  await assert.rejects(studio.restore(new Uint8Array([1, 2, 3])), (e) => e.code === 'format');
  // grey in, grey out unchanged, at any strength
  const grey = photoImage({ kind: 'grey', width: 90, height: 60 });
  for (const strength of ['auto', 1]) {
    const g = await studio.restore(grey, { strength });
    assert.equal(g.channels, 1);
    assert.deepEqual(g.data, grey.data, `grey, strength ${strength}`);
  }
  assert.equal((await studio.analyzeFade(grey)).strength, 0);
  // alpha kept, and the colour as without it
  const rgba = { width: faded.width, height: faded.height, channels: 4, data: new Uint8Array(faded.width * faded.height * 4) };
  for (let p = 0; p < faded.width * faded.height; p++) {
    rgba.data.set(faded.data.subarray(3 * p, 3 * p + 3), 4 * p);
    rgba.data[4 * p + 3] = (p * 7) & 255;
  }
  const withAlpha = await studio.restore(rgba, { strength: 1 }), without = await studio.restore(faded, { strength: 1 });
  assert.equal(withAlpha.channels, 4);
  for (let p = 0; p < faded.width * faded.height; p++) {
    assert.equal(withAlpha.data[4 * p + 3], rgba.data[4 * p + 3], `alpha at pixel ${p}`);
    for (let c = 0; c < 3; c++) assert.equal(withAlpha.data[4 * p + c], without.data[3 * p + c], `colour at pixel ${p}`);
  }
});

// The queue's suggestion (session.js): dark -> enhance first; a sepia print -> colorize; a
// faded print -> restore; a good colour photo -> none.
test('the queue suggests Restore colour for a faded print, Colorize for a sepia one', async (t) => {
  const studio = await createStudio({ threads: 1 });
  t.after(() => studio.terminate());
  const want = { faded: 'restore', sepia: 'colorize', grey: 'colorize', dark: 'enhance', scene: null };
  for (const [kind, suggestion] of Object.entries(want)) {
    const r = await studio.open(kind, png(photoImage({ kind, width: 300, height: 200 })));
    assert.equal(r.suggestion, suggestion, `${kind}: ${JSON.stringify(r.fade)}`);
    assert.equal(r.fade === null, kind === 'grey', `${kind}: a fade analysis for colour photos only`);
  }
  const done = await studio.run('faded', 'restore', { strength: 'auto' });
  assert.ok(done.fade.strength >= 0.5, JSON.stringify(done.fade));
  assert.ok((await studio.export('faded', { format: 'png' })).length > 0);
  await assert.rejects(studio.run('faded', 'sharpen'), /unknown mode 'sharpen'/);
});

test('tools/studio --wasm restore: batch with a bad file, same files and --report lines as native', async () => {
  const dir = scratchDir('restore-batch-');
  const st = await loadCore({ build: 'st' });
  fs.writeFileSync(path.join(dir, 'a.png'), png(photoImage({ kind: 'faded', width: 90, height: 60 })));
  fs.writeFileSync(path.join(dir, 'b.jpg'), st.encode(photoImage({ kind: 'faded', width: 64, height: 64 }), { format: 'jpeg', quality: 90 }));
  fs.writeFileSync(path.join(dir, 'broken.png'), Buffer.from('not an image'));
  st.dispose();
  const studio = path.join(ROOT, 'tools', 'studio');
  const inputs = ['a.png', 'broken.png', 'b.jpg'].map((f) => path.join(dir, f));
  const w = await run(studio, ['--wasm', 'restore', ...inputs, '-o', path.join(dir, 'wasm'), '--report']);
  const n = await run(studio, ['restore', ...inputs, '-o', path.join(dir, 'native'), '--threads', '1', '--report']);
  const reports = (r) => r.stderr.split('\n').filter((l) => l.startsWith('  retention '));
  for (const r of [w, n]) {
    assert.equal(r.code, 1, 'a failed file makes the batch exit 1');
    assert.match(r.stderr, /broken\.png: error: not a JPEG, PNG or BMP file/);
    assert.match(r.stderr, /2 of 3 restored/);
    assert.equal(reports(r).length, 2, r.stderr);
  }
  assert.deepEqual(reports(w), reports(n), 'the same analysis, printed the same way');
  for (const f of ['a-restored.png', 'b-restored.jpg']) {
    assert.ok(fs.existsSync(path.join(dir, 'wasm', f)) && fs.existsSync(path.join(dir, 'native', f)), f);
  }
  assert.deepEqual(fs.readFileSync(path.join(dir, 'wasm', 'a-restored.png')), fs.readFileSync(path.join(dir, 'native', 'a-restored.png')));
  // a bad value: refused before any file, exit 2, the core's sentence, both paths
  for (const wasm of [true, false]) {
    const bad = await run(studio, [...(wasm ? ['--wasm'] : []), 'restore', inputs[0], path.join(dir, 'x.png'), '--contrast', '2']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /^studio: restore option contrast must be in 0\.\.1, not 2/m);
    assert.ok(!fs.existsSync(path.join(dir, 'x.png')));
  }
});
