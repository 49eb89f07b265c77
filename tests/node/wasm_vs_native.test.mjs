// Both WASM builds decode every conformance file, and the photos of photos.mjs, to exactly
// the native build's pixels (the native build is checked against Pillow in test_conformance),
// and refuse the same files with the same sentences. stb_image runs without its SSE2 paths
// natively (STBI_NO_SIMD), so there is no SIMD rounding difference to allow for: equality is
// byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadCore } from '../../web/core.js';
import { NATIVE_CLI, run, parseInfo, shared, badFiles } from './helpers.mjs';
import { photoFile } from './photos.mjs';

const cores = {};
async function core(build) {
  cores[build] ??= await loadCore({ build, threads: build === 'mt' ? 2 : 1 });
  return cores[build];
}

async function compareFolder(t, sub, filter = () => true) {
  const dir = shared(t, sub);
  if (!dir) return;
  await compareFiles(fs.readdirSync(dir).filter((f) => /\.(png|jpe?g|bmp)$/i.test(f) && filter(f)).map((f) => path.join(dir, f)));
}

async function compareFiles(files) {
  const native = parseInfo(...Object.values(await run(NATIVE_CLI, ['info', '--digest', ...files])).slice(1));
  for (const build of ['st', 'mt']) {
    const c = await core(build);
    let same = 0;
    for (const f of files) {
      let line;
      try {
        const i = c.probe(fs.readFileSync(f));
        line = `${i.description}, pixels ${c.decode(fs.readFileSync(f), { digest: true }).digest}`;
      } catch (e) {
        line = `error: ${e.message}`;
      }
      assert.equal(line, native[f], `${build}: ${path.basename(f)}`);
      same++;
    }
    assert.equal(same, files.length);
  }
}

test('photos made here (grey and RGB PNG, JPEG, a damaged PNG): wasm equals native', async () => {
  await compareFiles([await photoFile('grey.png', { kind: 'grey' }), await photoFile('scene.png', { kind: 'scene' }), await photoFile('dark.jpg'),
    await photoFile('damaged.png', { kind: 'damaged' })]);
});

test('PngSuite: wasm-st and wasm-mt equal native', (t) => compareFolder(t, 'datasets/conformance/pngsuite'));
test('JPEG oddities: wasm equals native, refusals too', (t) => compareFolder(t, 'datasets/conformance/jpeg'));
test('EXIF orientation examples: wasm equals native', (t) => compareFolder(t, 'datasets/conformance/exif-orientation'));
test('Kodak and LIME (BMP): wasm equals native', async (t) => {
  await compareFolder(t, 'datasets/kodak', (f) => /0[1-4]\./.test(f));
  await compareFolder(t, 'datasets/lowlight/lime', (f) => /^[1-3]\./.test(f));
});

test('bad inputs: same error from every build', async () => {
  const { names } = badFiles(await photoFile('scene.png', { kind: 'scene' }), await photoFile('dark.jpg'));
  const native = parseInfo(...Object.values(await run(NATIVE_CLI, ['info', '--digest', ...names])).slice(1));
  for (const build of ['st', 'mt']) {
    const c = await core(build);
    for (const f of names) {
      assert.throws(() => c.decode(fs.readFileSync(f)), (e) => `error: ${e.message}` === native[f], `${build}: ${path.basename(f)}`);
    }
  }
});

test('encode round trip with alpha, and resize, inside the module', async () => {
  for (const build of ['st', 'mt']) {
    const c = await core(build);
    const w = 33, h = 21, data = new Uint8Array(w * h * 4).map((_, i) => (i * 37) & 255);
    const back = c.decode(c.encode({ width: w, height: h, channels: 4, data }, { format: 'png' }));
    assert.deepEqual([back.width, back.height, back.channels], [w, h, 4]);
    assert.deepEqual(back.data, data, 'PNG round trip keeps every byte, alpha included');
    const small = c.resize(back, 11, 7, { filter: 'area' });
    assert.deepEqual([small.width, small.height, small.channels], [11, 7, 4]);
    assert.throws(() => c.encode({ width: w, height: h, channels: 4, data }, { format: 'jpeg', quality: 0 }), /quality/);
    assert.throws(() => c.encode({ width: w, height: h, channels: 4, data: data.subarray(1) }), /expected/);
  }
});

test.after(() => { for (const c of Object.values(cores)) c.dispose(); });
