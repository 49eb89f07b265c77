// The enhancer through WASM: equal to the native build (within 1 level per channel; the
// builds agree exactly today), reachable from the JS API with progress and clean errors,
// and from `tools/studio --wasm enhance` as a batch that survives a bad file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadCore } from '../../web/core.js';
import { createStudio } from '../../web/studio.js';
import { NATIVE_CLI, ROOT, run, scratchDir } from './helpers.mjs';
import { photoImage } from './photos.mjs';

// The dark, noisy scene of photos.mjs, at odd sizes.
const fixture = (width = 120, height = 80) => photoImage({ kind: 'dark', width, height });

// Equal within 1 level, both builds: the dark scene (one gain), the backlit one, whose ground
// the local exposure stage lifts (checked against shadows 0 too), and a very dark one with a
// green dark level, which comes out with its colour and without the green.
for (const kind of ['dark', 'backlit', 'cast']) {
  test(`WASM enhance equals native enhance (within 1 level), both builds: ${kind}`, async () => {
    const dir = scratchDir('enh-');
    const st = await loadCore({ build: 'st' });
    const input = photoImage({ kind, width: 333, height: 217 });
    const png = st.encode(input, { format: 'png' });
    fs.writeFileSync(path.join(dir, 'in.png'), png);
    const r = await run(NATIVE_CLI, ['enhance', path.join(dir, 'in.png'), path.join(dir, 'native.png'), '--threads', '1']);
    assert.equal(r.code, 0, r.stderr);
    const native = st.decode(fs.readFileSync(path.join(dir, 'native.png')));
    for (const [build, core] of [['st', st], ['mt', await loadCore({ build: 'mt', threads: 2 })]]) {
      const out = core.enhance(png);
      let max = 0;
      for (let i = 0; i < out.data.length; i++) max = Math.max(max, Math.abs(out.data[i] - native.data[i]));
      assert.ok(max <= 1, `${build}: differs from native by ${max} levels`);
      if (build === 'mt') core.dispose();
    }
    const mean = (img, rows = [0, img.height]) => {
      let sum = 0;
      for (let i = rows[0] * img.width * 3; i < rows[1] * img.width * 3; i++) sum += img.data[i];
      return sum / ((rows[1] - rows[0]) * img.width * 3);
    };
    if (kind === 'dark') assert.ok(mean(native) > mean(input) + 25, 'the dark fixture got brighter');
    else if (kind === 'cast') {
      // against the same scene captured 4 times brighter without the pedestal: no green added,
      // and colour kept (the fade this replaced left a third of it)
      const twin = st.enhance(st.encode(photoImage({ kind: 'dark', width: 333, height: 217 }), { format: 'png' }));
      const colour = (img) => {
        let green = 0, chroma = 0;
        for (let i = 0; i < img.data.length; i += 3) {
          const g = img.data[i + 1] - (img.data[i] + img.data[i + 2]) / 2, rb = img.data[i] - img.data[i + 2];
          green += g; chroma += Math.hypot(g, rb);
        }
        return { green: green / (img.data.length / 3), chroma: chroma / (img.data.length / 3) };
      };
      const got = colour(native), want = colour(twin);
      assert.ok(mean(native) > mean(input) + 40, 'the very dark fixture got brighter');
      assert.ok(Math.abs(got.green - want.green) <= 3, `green excess ${got.green.toFixed(1)} levels, the brighter twin's ${want.green.toFixed(1)}`);
      assert.ok(got.chroma >= 0.4 * want.chroma, `chroma ${got.chroma.toFixed(1)}, the brighter twin's ${want.chroma.toFixed(1)}`);
    } else { // the ground (bottom third) lifted well beyond what one gain for the photo gives
      const ground = [Math.round(input.height * 0.7), input.height];
      const global = st.enhance(png, { shadows: 0 });
      assert.ok(mean(native, ground) > mean(global, ground) + 15, `ground ${mean(input, ground).toFixed(1)} -> ${mean(global, ground).toFixed(1)} (shadows 0) -> ${mean(native, ground).toFixed(1)}`);
    }
    st.dispose();
  });
}

test('studio.enhance: images or bytes in, progress out, errors named', async (t) => {
  const studio = await createStudio({ threads: 2 });
  t.after(() => studio.terminate());
  const img = fixture(120, 80);
  const stages = new Set();
  const out = await studio.enhance(img, { strength: 0.8, localContrast: 0.3, denoise: 'auto', onProgress: (s) => stages.add(s) });
  assert.deepEqual([out.width, out.height, out.channels], [120, 80, 3]);
  assert.ok(stages.has('analyse') && stages.has('enhance'), [...stages].join());
  const same = await studio.enhance(img, { strength: 0 });
  assert.deepEqual(same.data, img.data, 'strength 0 returns the input');
  await assert.rejects(studio.enhance(img, { strength: 3 }), (e) => e.code === 'argument' && /strength must be in 0\.\.1/.test(e.message));
  await assert.rejects(studio.enhance(img, { glow: 1 }), /unknown enhance option 'glow'/);
  // local exposure's two options: shadows takes 'auto' or 0..1, highlights 0..1
  for (const shadows of ['auto', 0, 0.5, 1]) assert.equal((await studio.enhance(img, { shadows, highlights: 0.5 })).width, 120);
  await assert.rejects(studio.enhance(img, { shadows: 1.5 }), (e) => e.code === 'argument' && /shadows must be in 0\.\.1, not 1\.5/.test(e.message));
  await assert.rejects(studio.enhance(img, { highlights: 'auto' }), /enhance option highlights needs a number, not 'auto'/);
  await assert.rejects(studio.enhance(img, { highlights: -0.1 }), /highlights must be in 0\.\.1/);
  await assert.rejects(studio.enhance(new Uint8Array([1, 2, 3])), (e) => e.code === 'format');
});

test('tools/studio --wasm enhance: batch with a bad file, same files as native', async () => {
  const dir = scratchDir('batch-');
  const st = await loadCore({ build: 'st' });
  fs.writeFileSync(path.join(dir, 'a.png'), st.encode(fixture(90, 60), { format: 'png' }));
  fs.writeFileSync(path.join(dir, 'b.jpg'), st.encode(fixture(64, 64), { format: 'jpeg', quality: 90 }));
  fs.writeFileSync(path.join(dir, 'broken.png'), Buffer.from('not an image'));
  st.dispose();
  const studio = path.join(ROOT, 'tools', 'studio');
  const inputs = ['a.png', 'broken.png', 'b.jpg'].map((f) => path.join(dir, f));
  const w = await run(studio, ['--wasm', 'enhance', ...inputs, '-o', path.join(dir, 'wasm')]);
  const n = await run(studio, ['enhance', ...inputs, '-o', path.join(dir, 'native'), '--threads', '1']);
  for (const r of [w, n]) {
    assert.equal(r.code, 1, 'a failed file makes the batch exit 1');
    assert.match(r.stderr, /broken\.png: error: not a JPEG, PNG or BMP file/);
    assert.match(r.stderr, /2 of 3 enhanced/);
  }
  for (const f of ['a-enhanced.png', 'b-enhanced.jpg']) {
    assert.ok(fs.existsSync(path.join(dir, 'wasm', f)) && fs.existsSync(path.join(dir, 'native', f)), f);
  }
  assert.deepEqual(fs.readFileSync(path.join(dir, 'wasm', 'a-enhanced.png')), fs.readFileSync(path.join(dir, 'native', 'a-enhanced.png')));
  assert.equal(fs.readFileSync(path.join(dir, 'a.png')).length > 0, true, 'inputs untouched');
  const refuse = await run(studio, ['enhance', inputs[0], inputs[0]]);
  assert.equal(refuse.code, 1);
  assert.match(refuse.stderr, /refusing to overwrite the input/);
});
