// web/formats.js: formats named from their first bytes, and sizes read from WebP (VP8, VP8L,
// VP8X), GIF and AVIF/HEIC headers, on files built here byte by byte; every prefix of each
// file is read without a throw and without a wrong size. Then the worker: a header that
// claims more than the core's limit is refused with the core's sentence before any decoder
// runs, and a file nothing reads is named by its format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sniff, formatFromName } from '../../web/formats.js';
import { createStudio } from '../../web/studio.js';

const bytes = (...parts) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : [...p])));
const le16 = (v) => [v & 255, (v >>> 8) & 255];
const le24 = (v) => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255];
const le32 = (v) => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24];
const be32 = (v) => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

const riff = (chunk, payload) => bytes('RIFF', le32(4 + 8 + payload.length), 'WEBP', chunk, le32(payload.length), payload);
// a key frame's tag, the start code, then 14-bit sizes whose top 2 bits are a scaling hint
const vp8 = (w, h) => riff('VP8 ', bytes([0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a], le16(w | 0x4000), le16(h | 0x8000)));
const vp8l = (w, h) => riff('VP8L', bytes([0x2f], le32(((w - 1) | ((h - 1) << 14) | (1 << 28)) >>> 0)));
const vp8x = (w, h) => riff('VP8X', bytes([0x10, 0, 0, 0], le24(w - 1), le24(h - 1)));
const gif = (w, h) => bytes('GIF89a', le16(w), le16(h), [0x80, 0, 0], new Uint8Array(6), ';');

// ISO BMFF: a box is its size, its type and its payload; a full box adds version and flags.
const box = (type, ...payload) => { const p = bytes(...payload); return bytes(be32(8 + p.length), type, p); };
const full = (type, ...payload) => box(type, [0, 0, 0, 0], ...payload);
const ftyp = (major, ...compatible) => box('ftyp', major, be32(0), ...compatible);
const ispe = (w, h) => full('ispe', be32(w), be32(h));
const heif = (brands, sizes) => bytes(ftyp(...brands),
  full('meta', full('hdlr', be32(0), 'pict', new Uint8Array(13)), box('iprp', box('ipco', ...sizes.map(([w, h]) => ispe(w, h)), box('pixi', [0, 0, 0, 0, 1, 8])))),
  box('mdat', new Uint8Array(16)));

test('WebP: the size from a lossy (VP8), lossless (VP8L) and extended (VP8X) header', () => {
  assert.deepEqual(sniff(vp8(640, 480)), { format: 'webp', name: 'WebP', width: 640, height: 480 });
  assert.deepEqual(sniff(vp8(16383, 1)), { format: 'webp', name: 'WebP', width: 16383, height: 1 });
  assert.deepEqual(sniff(vp8l(1, 16384)), { format: 'webp', name: 'WebP', width: 1, height: 16384 });
  assert.deepEqual(sniff(vp8l(3000, 2000)), { format: 'webp', name: 'WebP', width: 3000, height: 2000 });
  assert.deepEqual(sniff(vp8x(100000, 100000)), { format: 'webp', name: 'WebP', width: 100000, height: 100000 });
  assert.deepEqual(sniff(vp8x(1 << 24, 1)), { format: 'webp', name: 'WebP', width: 1 << 24, height: 1 });
  // a VP8 chunk without its start code, an unknown chunk: WebP all the same, no size
  const bad = vp8(640, 480); bad[23] = 0;
  assert.deepEqual(sniff(bad), { format: 'webp', name: 'WebP' });
  assert.deepEqual(sniff(riff('ALPH', bytes([0, 0, 0, 0]))), { format: 'webp', name: 'WebP' });
});

test('GIF: the logical screen size, 87a and 89a', () => {
  assert.deepEqual(sniff(gif(320, 200)), { format: 'gif', name: 'GIF', width: 320, height: 200 });
  const old = gif(65535, 2); old[4] = '7'.charCodeAt(0);
  assert.deepEqual(sniff(old), { format: 'gif', name: 'GIF', width: 65535, height: 2 });
});

test('AVIF and HEIC: named by brand, sized by the largest ispe (grid tiles and thumbnails are smaller)', () => {
  assert.deepEqual(sniff(heif(['avif', 'avif', 'mif1', 'miaf'], [[1920, 1080]])), { format: 'avif', name: 'AVIF', width: 1920, height: 1080 });
  // an AVIF whose major brand is the generic mif1
  assert.equal(sniff(heif(['mif1', 'mif1', 'avif'], [[8, 8]])).format, 'avif');
  // an iPhone-style HEIC: 512x512 tiles, the 4032x3024 grid, a 320x240 thumbnail
  assert.deepEqual(sniff(heif(['heic', 'mif1', 'heic'], [[512, 512], [4032, 3024], [320, 240]])),
    { format: 'heic', name: 'HEIC', width: 4032, height: 3024 });
  assert.deepEqual(sniff(heif(['mif1', 'mif1'], [[10, 20]])), { format: 'heif', name: 'HEIF', width: 10, height: 20 });
  assert.deepEqual(sniff(heif(['avif'], [[0xffffffff, 0xfffffffe]])), { format: 'avif', name: 'AVIF', width: 0xffffffff, height: 0xfffffffe });
  // a 64-bit box size before the meta box, and a meta box running to the end (size 0)
  const big = bytes(ftyp('avif'), be32(1), 'free', be32(0), be32(24), new Uint8Array(8),
    be32(0), 'meta', [0, 0, 0, 0], box('iprp', box('ipco', ispe(7, 9))));
  assert.deepEqual(sniff(big), { format: 'avif', name: 'AVIF', width: 7, height: 9 });
  // no ispe: named, no size (the page refuses by the decoded size instead)
  assert.deepEqual(sniff(heif(['heic'], [])), { format: 'heic', name: 'HEIC' });
  // an MP4 video is not an image
  assert.equal(sniff(bytes(ftyp('isom', 'isom', 'mp41'), box('mdat', new Uint8Array(8)))), null);
});

test('other formats are named without a size; JPEG, PNG, BMP and text are not this module\'s', () => {
  const named = (b) => sniff(bytes(...b))?.name;
  assert.equal(named(['II*\0', le32(8)]), 'TIFF');
  assert.equal(named(['MM\0*', be32(8)]), 'TIFF');
  assert.equal(named([[0xff, 0x0a, 0xfa, 0x7f]]), 'JPEG XL');
  assert.equal(named([be32(12), 'JXL \r\n', [0x87], '\n']), 'JPEG XL');
  assert.equal(named([be32(12), 'jP  \r\n', [0x87], '\n']), 'JPEG 2000');
  assert.equal(named(['8BPS', [0, 1]]), 'Photoshop (PSD)');
  for (const other of [[[0xff, 0xd8, 0xff, 0xe0]], ['\x89PNG\r\n\x1a\n'], ['BM', le32(70)], ['just text'], []]) assert.equal(sniff(bytes(...other)), null);
  assert.equal(sniff(vp8(2, 2).buffer).format, 'webp'); // an ArrayBuffer works too
});

test('every prefix of every file: no throw, and a size only when it is the right one', () => {
  const files = [vp8(640, 480), vp8l(3000, 2000), vp8x(5000, 4000), gif(320, 200),
    heif(['heic', 'mif1', 'heic'], [[512, 512], [4032, 3024]]), heif(['avif'], [[1920, 1080]])];
  for (const file of files) {
    const whole = sniff(file);
    for (let n = 0; n <= file.length; n++) {
      const got = sniff(file.subarray(0, n));
      if (got?.width === undefined) continue;
      assert.deepEqual([got.format, got.width, got.height], [whole.format, whole.width, whole.height], `${whole.format} cut to ${n} bytes`);
    }
  }
});

test('a format from the file name or MIME type', () => {
  assert.equal(formatFromName('IMG_0001.HEIC'), 'heic');
  assert.equal(formatFromName('scan.tif'), 'tiff');
  assert.equal(formatFromName('a.b.webp', 'application/octet-stream'), 'webp');
  assert.equal(formatFromName('photo', 'image/heif'), 'heif');
  assert.equal(formatFromName('photo', 'image/x-tiff'), 'tiff');
  assert.equal(formatFromName('photo', 'image/avif'), 'avif');
  assert.equal(formatFromName('notes.txt', 'text/plain'), null);
  assert.equal(formatFromName('photo.jpg', 'image/jpeg'), null); // the core's: not named here
  assert.equal(formatFromName(), null);
});

test('the worker: a header over the limit is refused by the core before decoding; an unreadable file is named', async (t) => {
  const studio = await createStudio({ threads: 1 });
  t.after(() => studio.terminate());
  await assert.rejects(studio.open('huge', vp8x(100000, 100000), { name: 'huge.webp' }),
    { code: 'too-large', message: 'image is 100000x100000 = 10000 MP; the limit is 64 MP' });
  await assert.rejects(studio.open('wide', gif(40000, 10), { name: 'wide.gif' }), { code: 'too-large', message: /40000x10; the limit is 32768 pixels/ });
  await assert.rejects(studio.open('avif', heif(['avif'], [[10000, 8000]]), { name: 'big.avif' }), { code: 'too-large', message: /10000x8000 = 80 MP/ });
  // random bytes: named by the file's name (Node has no image decoder at all)
  const noise = Uint8Array.from({ length: 64 }, (_, i) => (i * 97 + 13) & 255);
  await assert.rejects(studio.open('heic', noise.slice(), { name: 'IMG_0001.HEIC' }), { message: /^HEIC images cannot be read by this browser/ });
  await assert.rejects(studio.open('x', noise.slice(), { name: 'mystery' }), { code: 'format', message: /not a JPEG, PNG or BMP file, nor an image/ });
  // the core's own formats keep the core's sentences
  await assert.rejects(studio.open('e', new Uint8Array(0), { name: 'empty.png' }), { code: 'format', message: 'the file is empty' });
});
