// photos.mjs - the photos the Node and browser tests run on, made by code from a seed (the
// same pixels every run, no data file anywhere), so no behaviour test needs ../shared:
//   scene   a well-exposed colour scene: sky over a wavy horizon, textured ground, discs and
//           posts of many sizes and colours, light noise
//   dark    the scene underexposed (about a fifth of its levels) with sensor-like noise:
//           what Enhance low-light is for (mean lightness ~0.1; the page suggests Enhance)
//   grey    the scene's luma as a one-channel photo: what Colorize is for
//   backlit the scene with its ground 8 times darker than its sky: local exposure's job
//   damaged a PNG of the scene with one byte of its pixel data changed: its CRC fails
//   step    grey halves, lighter left of the middle and darker right of it: colour hints stay
//           on their side of the edge
//   faded   the scene as a faded colour print: in density (D = -log10 of linear light) red's,
//           green's and blue's scaled by 0.6, 0.8 and 0.95 (cyan dye faded most), 0.08 added
//           to blue's (a yellow stain): what Restore colour is for (the page suggests it)
//   sepia   the scene's luma toned brown: a monochrome print, which the page suggests to Colorize
//   scratched the scene with a scratch across its sky: a dark line 2-3 px wide (level 15) from
//           about (0.12, 0.10) to (0.88, 0.30) of the photo, gently wavy, and three dark specks
//           (scratch() is where it lies): what Repair is for
// photoImage() gives {width, height, channels, data}; photoFile() writes PNG (zlib, here)
// or JPEG (the WASM core's encoder) by the name's extension into a folder of this process.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { crc32 } from '../../web/zip.js'; // PNG chunks and ZIP entries use the same CRC-32
import { loadCore } from '../../web/core.js';
// (helpers.mjs imports this module too: each uses the other only inside functions)
import { scratchDir } from './helpers.mjs';

// mulberry32: small, seedable, the same sequence on every platform.
function prng(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare = NaN; // Box-Muller gives two normal values a draw
  const gauss = () => {
    if (!Number.isNaN(spare)) { const g = spare; spare = NaN; return g; }
    const m = Math.sqrt(-2 * Math.log(next() + 1e-12)), a = 2 * Math.PI * next();
    spare = m * Math.sin(a);
    return m * Math.cos(a);
  };
  return { next, gauss };
}

// The scene as float RGB 0..255, laid out so any size looks alike (texture stays pixel-sized).
function scene(width, height, rand) {
  const discs = Array.from({ length: 14 }, () => ({
    x: rand.next() * width, y: rand.next() * height, r: (0.02 + rand.next() * 0.12) * Math.min(width, height),
    rgb: [30 + rand.next() * 200, 30 + rand.next() * 200, 30 + rand.next() * 200],
  }));
  const post = Math.max(2, Math.round(width / 64)), gap = Math.round(width / 7);
  const horizon = new Float32Array(width), wave = new Float32Array(width);
  for (let x = 0; x < width; x++) { horizon[x] = 0.55 + 0.035 * Math.sin((x / width) * 13.5); wave[x] = Math.sin(x / 9); }
  const out = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const v = y / height, row = y * width * 3, sy = 30 * Math.sin(y / 7);
    for (let x = 0, i = row; x < width; x++, i += 3) {
      if (v < horizon[x]) { out[i] = 120 + 70 * v; out[i + 1] = 160 + 50 * v; out[i + 2] = 235 - 25 * v; } // sky, paler low down
      else { // grass and earth, darker towards the front
        const t = sy * wave[x], depth = 1 - 0.5 * (v - horizon[x]);
        out[i] = (95 + t) * depth; out[i + 1] = (125 + t) * depth; out[i + 2] = (60 + t * 0.5) * depth;
      }
    }
    for (const d of discs) { // the span of each disc on this row, painted over
      const h = d.r * d.r - (y - d.y) ** 2;
      if (h <= 0) continue;
      const x0 = Math.max(0, Math.ceil(d.x - Math.sqrt(h))), x1 = Math.min(width - 1, Math.floor(d.x + Math.sqrt(h)));
      for (let x = x0, i = row + x0 * 3; x <= x1; x++, i += 3) { out[i] = d.rgb[0]; out[i + 1] = d.rgb[1]; out[i + 2] = d.rgb[2]; }
    }
    for (let x = (gap - gap / 2) % gap; x < width; x += gap) // fence posts: sharp vertical edges
      for (let k = Math.ceil(x); k < Math.min(width, x + post); k++) { const i = row + k * 3; out[i] *= 0.55; out[i + 1] *= 0.5; out[i + 2] *= 0.45; }
  }
  return out;
}

const clamp8 = (v) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));

/** A photo of `kind` (scene, dark, grey, backlit, cast, step, faded, sepia, scratched) as {width, height, channels, data}. */
export function photoImage({ kind = 'dark', width = 768, height = 512, seed = 1 } = {}) {
  if (kind === 'step') { // grey: two flat halves with a strong step between them, a soft ramp down each
    const data = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = (x < width / 2 ? 175 : 80) + Math.round((y / height) * 20);
    return { width, height, channels: 1, data };
  }
  const rand = prng(seed), rgb = scene(width, height, rand), n = width * height;
  if (kind === 'faded') return fade(photoImage({ kind: 'scene', width, height, seed }));
  if (kind === 'scratched') {
    const img = photoImage({ kind: 'scene', width, height, seed }), m = scratch(width, height);
    for (let p = 0; p < n; p++) if (m[p]) img.data.fill(15, 3 * p, 3 * p + 3);
    return img;
  }
  if (kind === 'sepia') {
    const data = new Uint8Array(n * 3), tone = [1.08, 0.84, 0.6];
    for (let p = 0; p < n; p++) {
      const luma = 0.299 * rgb[3 * p] + 0.587 * rgb[3 * p + 1] + 0.114 * rgb[3 * p + 2] + 2 * rand.gauss();
      for (let c = 0; c < 3; c++) data[3 * p + c] = clamp8(luma * tone[c]);
    }
    return { width, height, channels: 3, data };
  }
  if (kind === 'grey') {
    const data = new Uint8Array(n);
    for (let p = 0; p < n; p++) data[p] = clamp8(0.299 * rgb[3 * p] + 0.587 * rgb[3 * p + 1] + 0.114 * rgb[3 * p + 2] + 2 * rand.gauss());
    return { width, height, channels: 1, data };
  }
  const [gain, sigma] = kind === 'dark' ? [0.2, 3] : kind === 'scene' ? [1, 2] : kind === 'backlit' ? [0.9, 2.5] : kind === 'cast' ? [0.05, 1] : [NaN, NaN];
  if (Number.isNaN(gain)) throw new Error(`unknown photo kind '${kind}'`);
  // cast: a very dark capture (LOL's are as dark) whose camera adds a green dark level of a
  // code (LOL's size; the enhancer takes off at most that much, more is a dark object's colour)
  const pedestal = kind === 'cast' ? (i) => (i % 3 === 1 ? 1 : 0) : () => 0;
  // backlit: the sky as it is, the ground below the horizon's mean height 8 times darker
  const shade = kind === 'backlit' ? (i) => (Math.floor(i / 3 / width) < 0.56 * height ? 1 : 1 / 8) : () => 1;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n * 3; i++) data[i] = clamp8(rgb[i] * gain * shade(i) + pedestal(i) + sigma * rand.gauss());
  return { width, height, channels: 3, data };
}

/** Where photoImage's 'scratched' is damaged: one byte a pixel, 1 on the scratch and specks. */
export function scratch(width, height) {
  const m = new Uint8Array(width * height);
  const dot = (cx, cy, r) => {
    for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(height - 1, Math.ceil(cy + r)); y++)
      for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(width - 1, Math.ceil(cx + r)); x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) m[y * width + x] = 1;
  };
  for (let x = Math.round(0.12 * width); x <= Math.round(0.88 * width); x++) {
    const t = (x / width - 0.12) / 0.76, y = (0.10 + 0.20 * t) * height + 2 * Math.sin(x / 23);
    dot(x, y, 1 + 0.4 * Math.sin(x / 41));
  }
  for (const [fx, fy] of [[0.3, 0.06], [0.62, 0.12], [0.8, 0.42]]) dot(fx * width, fy * height, 2);
  return m;
}

/** A colour image faded as a print's dyes fade: each channel's density scaled by its
 *  retention, a stain density added (sRGB in and out, alpha kept). */
export function fade(image, { retention = [0.6, 0.8, 0.95], stain = [0, 0, 0.08] } = {}) {
  const lut = retention.map((k, c) => Uint8Array.from({ length: 256 }, (_, v) => {
    const s = v / 255, lin = s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    const d = -Math.log10(Math.max(lin, 1e-4)) * k + stain[c], out = 10 ** -d;
    return clamp8(255 * (out <= 0.0031308 ? 12.92 * out : 1.055 * out ** (1 / 2.4) - 0.055));
  }));
  const { channels } = image, data = Uint8Array.from(image.data);
  for (let i = 0; i < data.length; i += channels) for (let c = 0; c < 3; c++) data[i + c] = lut[c][data[i + c]];
  return { ...image, data };
}

/** How far an RGB image's colour is from a reference's (same size), in CIELAB (D65): the mean
 *  offsets of a* and b* (a cast: red +a, yellow +b) and the mean a*b* distance per pixel. */
export function colourError(image, reference) {
  const lin = Float64Array.from({ length: 256 }, (_, v) => { const s = v / 255; return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
  const f = (t) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const ab = (d, i) => {
    const [r, g, b] = [lin[d[i]], lin[d[i + 1]], lin[d[i + 2]]], fy = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
    return [500 * (f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047) - fy), 200 * (fy - f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883))];
  };
  let da = 0, db = 0, dab = 0;
  const n = image.width * image.height;
  for (let i = 0; i < n * 3; i += 3) {
    const [a, b] = ab(image.data, i), [a0, b0] = ab(reference.data, i);
    da += a - a0; db += b - b0; dab += Math.hypot(a - a0, b - b0);
  }
  return { da: da / n, db: db / n, dab: dab / n };
}

/** A PNG chunk: length, type, data, CRC. */
export function pngChunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** 8-bit PNG bytes (grey, grey+alpha, RGB or RGBA), written here with node:zlib. */
export function png({ width, height, channels, data }) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = [0, 0, 4, 2, 6][channels];
  const row = width * channels, raw = Buffer.alloc((row + 1) * height); // filter byte 0 ("none") per row
  for (let y = 0; y < height; y++) raw.set(data.subarray(y * row, (y + 1) * row), y * (row + 1) + 1);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

/** JPEG bytes from the WASM core's encoder. */
export async function jpeg(image, quality = 90) {
  const core = await loadCore({ build: 'st' });
  try {
    return Buffer.from(core.encode(image, { format: 'jpeg', quality }));
  } finally {
    core.dispose();
  }
}

/** A PNG whose pixel data was changed after its CRC was computed. */
export function damagedPng(image) {
  const bytes = png(image), at = bytes.indexOf('IDAT', 0, 'latin1') + 4 + 40;
  bytes[at] ^= 0x55;
  return bytes;
}

let folder;
const made = new Map();

/** The photo written as `name` (.png or .jpg decides the format) in a folder of this process
 * (removed at exit), once per name; the path. Options as photoImage's; kind 'damaged' is a
 * PNG of the scene whose CRC fails. */
export async function photoFile(name, { kind = 'dark', ...size } = {}) {
  if (made.has(name)) return made.get(name);
  folder ||= scratchDir('photos-');
  const image = photoImage({ kind: kind === 'damaged' ? 'scene' : kind, ...size });
  const bytes = kind === 'damaged' ? damagedPng(image) : /\.jpe?g$/i.test(name) ? await jpeg(image) : png(image);
  const file = path.join(folder, name);
  fs.writeFileSync(file, bytes);
  made.set(name, file);
  return file;
}
