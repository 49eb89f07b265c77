// Colour hints through WASM: the one-call form and the incremental one the page uses (the
// solver's state kept in the worker), the hints file shared with the CLI, refusals that
// change nothing, and WASM against native. The photo is made here: nothing needs ../shared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createStudio } from '../../web/studio.js';
import { NATIVE_CLI, run, scratchDir } from './helpers.mjs';
import { photoFile } from './photos.mjs';

const W = 240, H = 160;

// A grey photo: a dark left half and a bright right half (a strong edge at x = 120), soft
// gradients and a little texture, so colour has somewhere to flow and somewhere to stop.
function greyPhoto() {
  const data = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) data[y * W + x] = (x < W / 2 ? 60 : 190) + Math.round(10 * Math.sin(x / 9) * Math.cos(y / 7) + (y * 12) / H);
  return { width: W, height: H, channels: 1, data };
}

// CIE Lab a*, b* of an 8-bit sRGB pixel (enough to read a hue)
function ab(img, x, y) {
  const i = (y * img.width + x) * img.channels;
  const lin = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const [r, g, b] = [0, 1, 2].map((k) => lin(img.data[i + k]));
  const f = (t) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const X = f((0.412453 * r + 0.35758 * g + 0.180423 * b) / 0.950456), Y = f(0.212671 * r + 0.71516 * g + 0.072169 * b);
  const Z = f((0.019334 * r + 0.119193 * g + 0.950227 * b) / 1.088754);
  return [500 * (X - Y), 200 * (Y - Z)];
}
const chroma = (img, x, y) => Math.hypot(...ab(img, x, y));
const maxDiff = (a, b) => a.data.reduce((m, v, i) => Math.max(m, Math.abs(v - b.data[i])), 0);

const BLUE = [40, 90, 220], RED = [210, 50, 40];
const file = (points, strokes = []) => ({ width: W, height: H, points, strokes });

test('colorize with hints alone: the hint colours its side of the edge, not the other', async () => {
  const studio = await createStudio({ threads: 2 });
  try {
    const photo = greyPhoto();
    await assert.rejects(studio.colorize(photo, {}), /colour hints or the colorization model/);
    const out = await studio.colorize(photo, { hints: file([{ x: 30, y: 80, r: 3, rgb: BLUE }, { x: 200, y: 80, r: 3, rgb: RED }]) });
    assert.deepEqual([out.width, out.height, out.channels], [W, H, 3]);
    assert.ok(ab(out, 30, 80)[1] < -20, `blue at the blue hint: ${ab(out, 30, 80)}`);
    assert.ok(ab(out, 5, 150)[1] < -10, `blue carried along the dark side: ${ab(out, 5, 150)}`);
    assert.ok(ab(out, 235, 5)[0] > 15, `red on the bright side: ${ab(out, 235, 5)}`);
    assert.ok(ab(out, 125, 80)[0] > 10 && ab(out, 115, 80)[1] < -10, 'the colours meet at the edge, not before it');
    // the same hints as JSON text give the same pixels
    const text = JSON.stringify(file([{ x: 30, y: 80, r: 3, rgb: BLUE }, { x: 200, y: 80, r: 3, rgb: RED }]));
    assert.equal(maxDiff(out, await studio.colorize(photo, { hints: text })), 0);
    // bad files: the core's sentence, naming the hint
    await assert.rejects(studio.colorize(photo, { hints: file([{ x: 300, y: 10, r: 1, rgb: BLUE }]) }), /points\[0\]: x 300 is outside the 240x160 photo/);
    await assert.rejects(studio.colorize(photo, { hints: file([{ x: 3, y: 10, r: 1, rgb: [0, 256, 0] }]) }), /points\[0\]: colour component 1/);
    await assert.rejects(studio.colorize(photo, { hints: '{"width": 240, "height": 160, "points": [' }), /not valid JSON \(line 1, column/);
    await assert.rejects(studio.colorize(photo, { hints: { ...file([]), width: 100 } }), /made for a 100x160 photo, but this photo is 240x160/);
  } finally {
    await studio.terminate();
  }
});

test('the incremental API keeps the solve in the worker: add, move, remove, set, export, import', async () => {
  const studio = await createStudio({ threads: 2 });
  try {
    const png = await studio.encode(greyPhoto(), { format: 'png' });
    await studio.open('p', png);
    let s = await studio.hintsOpen('p', {});
    assert.equal(s.model, false);
    assert.deepEqual([s.width, s.height, s.workWidth, s.workHeight], [W, H, W, H]); // under 0.25 MP: solved at full size
    assert.deepEqual([s.preview.width, s.preview.height], [W, H]);
    assert.ok(chroma(s.preview, 30, 80) < 1, 'no hints: grey');

    s = await studio.hintAdd('p', { x: 30, y: 80, r: 3, rgb: BLUE });
    const blue = s.id;
    assert.ok(ab(s.preview, 30, 80)[1] < -20 && s.iterations >= 1, `preview blue at the hint (${s.iterations} iterations)`);
    s = await studio.hintAdd('p', { rgb: RED, width: 6, path: [[180, 40], [220, 120]] });
    const red = s.id;
    assert.deepEqual(s.hints.map((h) => [h.id, h.kind]), [[blue, 'point'], [red, 'stroke']]);
    assert.ok(ab(s.preview, 200, 80)[0] > 20, 'the stroke paints red');

    // a refused hint changes nothing
    await assert.rejects(studio.hintAdd('p', { x: -1, y: 5, r: 0, rgb: RED }), /outside the 240x160 photo/);
    await assert.rejects(studio.hintMove('p', blue, 500, 0), /outside/);
    s = await studio.hintMove('p', blue, 10, 5);
    assert.deepEqual([s.hints.length, s.hints[0].x, s.hints[0].y], [2, 40, 85]);
    assert.ok(ab(s.preview, 40, 85)[1] < -20);

    // export -> import gives the same result; the file is the CLI's
    const text = await studio.hintsExport('p');
    const parsed = JSON.parse(text);
    assert.deepEqual([parsed.width, parsed.height, parsed.points.length, parsed.strokes.length], [W, H, 1, 1]);
    const before = await studio.run('p', 'colorize', {});
    const result1 = await studio.decode(await studio.export('p', { format: 'png' }));
    s = await studio.hintRemove('p', red);
    assert.equal(s.hints.length, 1);
    assert.ok(ab(s.preview, 200, 80)[1] < -10, `the red is gone with its stroke: one blue hint colours everything (${ab(s.preview, 200, 80)})`);
    s = await studio.hintsSet('p', []);
    assert.ok(chroma(s.preview, 40, 85) < 1, 'cleared: grey again');
    await assert.rejects(studio.hintsSet('p', { ...parsed, height: 161 }), /made for a 240x161 photo, but this photo is 240x160/);
    s = await studio.hintsSet('p', parsed);
    assert.equal(s.hints.length, 2);
    await studio.run('p', 'colorize', {});
    const result2 = await studio.decode(await studio.export('p', { format: 'png' }));
    assert.deepEqual([before.width, before.height], [W, H]);
    assert.ok(maxDiff(result1, result2) <= 1, `export then import: the same result (${maxDiff(result1, result2)} levels)`);

    // suggestions need the network
    assert.deepEqual(await studio.suggestColours('p', 10, 10), []);
  } finally {
    await studio.terminate();
  }
});

test('WASM equals native within 1 level, through the CLI and its hints file', async (t) => {
  if (!fs.existsSync(NATIVE_CLI)) { t.skip(`${NATIVE_CLI} not built`); return; }
  const dir = scratchDir('hints-');
  const studio = await createStudio({ threads: 1 });
  try {
    fs.writeFileSync(path.join(dir, 'grey.png'), await studio.encode(greyPhoto(), { format: 'png' }));
    fs.writeFileSync(path.join(dir, 'h.json'), JSON.stringify(file([{ x: 30, y: 80, r: 3, rgb: BLUE }, { x: 200, y: 30, r: 1, rgb: RED }],
      [{ rgb: [60, 170, 60], width: 4, path: [[150, 140], [230, 150]] }])));
    fs.writeFileSync(path.join(dir, 'other.json'), JSON.stringify({ ...file([]), width: 10 }));
    const args = (out) => ['colorize', path.join(dir, 'grey.png'), path.join(dir, out), '--hints', path.join(dir, 'h.json'), '--tolerance', '1e-5'];
    const n = await run(NATIVE_CLI, [...args('native.png'), '--threads', '2']);
    assert.equal(n.code, 0, n.stderr);
    const w = await run('node', [path.resolve('tools/cli-wasm.mjs'), ...args('wasm.png')]);
    assert.equal(w.code, 0, w.stderr);
    const [a, b] = [fs.readFileSync(path.join(dir, 'native.png')), fs.readFileSync(path.join(dir, 'wasm.png'))];
    const d = maxDiff(await studio.decode(a), await studio.decode(b));
    assert.ok(d <= 1, `native and WASM differ by ${d} levels`);
    // a file for another photo: the same sentence from both, nothing written
    for (const cli of [[NATIVE_CLI], ['node', path.resolve('tools/cli-wasm.mjs')]]) {
      const r = await run(cli[0], [...cli.slice(1), 'colorize', path.join(dir, 'grey.png'), path.join(dir, 'x.png'), '--hints', path.join(dir, 'other.json')]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /made for a 10x160 photo, but this photo is 240x160/);
      assert.ok(!fs.existsSync(path.join(dir, 'x.png')));
    }
  } finally {
    await studio.terminate();
  }
});

// Issue 24: hint colours saturated enough to leave the gamut at the photo's lightness, on
// the 768x512 grey photo, solved to 1e-6 (300 iterations: the solve never gets there, so
// any difference in its inputs shows). Native and WASM were up to 8 levels apart (63% of
// pixels by more than 1), all from libm's cbrtf: glibc's and musl's differ by an ulp on 19
// of the 256 grey levels, the working grid's L then differed, and the solver's weights
// amplified it. lab.c has its own cube root now.
test('saturated hints on the grey photo: native equals WASM (single- and multi-threaded) within 1 level', async (t) => {
  if (!fs.existsSync(NATIVE_CLI)) { t.skip(`${NATIVE_CLI} not built`); return; }
  const dir = scratchDir('hints-gamut-');
  const studio = await createStudio({ threads: 1 });
  try {
    const grey = await photoFile('grey.png', { kind: 'grey' });
    fs.writeFileSync(path.join(dir, 'h.json'), JSON.stringify({ width: 768, height: 512, strokes: [],
      points: [{ x: 200, y: 150, r: 3, rgb: [60, 110, 210] }, { x: 560, y: 330, r: 3, rgb: [200, 60, 40] }] }));
    const args = (out) => ['colorize', grey, path.join(dir, out), '--hints', path.join(dir, 'h.json'), '--tolerance', '1e-6'];
    const runs = await Promise.all([run(NATIVE_CLI, [...args('native.png'), '--threads', '2']),
      run('node', [path.resolve('tools/cli-wasm.mjs'), ...args('st.png'), '--threads', '1']),
      run('node', [path.resolve('tools/cli-wasm.mjs'), ...args('mt.png'), '--threads', '2'])]);
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    const native = await studio.decode(fs.readFileSync(path.join(dir, 'native.png')));
    for (const build of ['st', 'mt']) {
      const d = maxDiff(native, await studio.decode(fs.readFileSync(path.join(dir, `${build}.png`))));
      assert.ok(d <= 1, `native and WASM ${build} differ by ${d} levels`);
    }
  } finally {
    await studio.terminate();
  }
});
