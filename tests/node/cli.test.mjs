// `tools/studio info` natively and with --wasm: correct sizes on Kodak, clear errors on
// truncated, empty, wrong-magic and header-bomb files (cut from photos made here),
// identical output, never a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, run, shared, badFiles } from './helpers.mjs';
import { photoFile } from './photos.mjs';

const STUDIO = path.join(ROOT, 'tools', 'studio');

test('info on Kodak: displayed sizes, native and --wasm alike', async (t) => {
  const dir = shared(t, 'datasets/kodak');
  if (!dir) return;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.png')).sort().map((f) => path.join(dir, f));
  assert.equal(files.length, 24);
  const native = await run(STUDIO, ['info', ...files]);
  const wasm = await run(STUDIO, ['--wasm', 'info', ...files]);
  assert.equal(native.code, 0, native.stderr);
  assert.equal(wasm.code, 0, wasm.stderr);
  assert.equal(wasm.stdout, native.stdout);
  const portrait = new Set(['04', '09', '10', '17', '18', '19']);
  for (const f of files) {
    const n = /kodim(\d\d)/.exec(f)[1];
    const size = portrait.has(n) ? '512x768' : '768x512';
    assert.ok(native.stdout.includes(`${f}: PNG ${size}, 3 channels, 8-bit RGB\n`), `${f} should be ${size}`);
  }
});

test('info on bad files: clear errors, exit 1, both paths, the good file still reported', async () => {
  const good = await photoFile('scene.png', { kind: 'scene' });
  const { names } = badFiles(good, await photoFile('dark.jpg'));
  const inputs = [...names, good];
  const expected = {
    'empty.png': 'error: the file is empty',
    'wrong-magic.jpg': 'error: not a JPEG, PNG or BMP file',
    'header-bomb.png': 'error: image is 100000x100000 = 10000 MP; the limit is 64 MP',
    'truncated.png': 'error: truncated PNG data',
    'truncated.jpg': 'error: truncated JPEG data',
  };
  for (const args of [['info'], ['info', '--wasm'], ['--wasm', 'info', '--digest']]) {
    const r = await run(STUDIO, [...args, ...inputs]);
    assert.equal(r.code, 1, `${args.join(' ')} should exit 1 when a file failed`);
    for (const f of names) {
      const want = expected[path.basename(f)];
      assert.ok(r.stderr.includes(`${f}: ${want}`), `${args.join(' ')}: ${path.basename(f)} -> ${r.stderr}`);
    }
    assert.match(r.stdout, /scene\.png: PNG 768x512, 3 channels, 8-bit RGB/);
    assert.doesNotMatch(r.stderr, /Aborted|RuntimeError|Segmentation|core dumped/);
  }
});

test('colorize needs a model, natively and through WASM', async () => {
  for (const args of [['colorize', 'a.png', 'b.png'], ['--wasm', 'colorize', 'a.png', 'b.png']]) {
    const r = await run(STUDIO, args);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /colorize needs --model FILE/);
  }
});

test('usage errors exit 2', async () => {
  assert.equal((await run(STUDIO, ['frobnicate'])).code, 2);
  assert.equal((await run(STUDIO, ['info'])).code, 2);
});
