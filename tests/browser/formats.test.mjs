// Formats the core does not read, in the page: a WebP (made by the browser's own encoder)
// and a GIF (written here byte by byte) are decoded by the browser in the worker and
// enhanced to exactly what the same pixels give as a PNG; a WebP header claiming 100000 x
// 100000 is refused with the core's limit before any decoder runs; HEIC and TIFF files this
// browser cannot read get a message naming their format. Every photo is made by the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createStudio } from '../../web/studio.js';
import { pageFor, CHROMIUM, download, waitState } from './browser.mjs';

const W = 96, H = 64;

// A dark 96x64 picture from a 128-colour palette (so a GIF holds it exactly): RGB bytes.
function picture() {
  const palette = Array.from({ length: 128 }, (_, i) => [(i * 37) % 90, (i * 11) % 70 + 10, (i * 53) % 110]);
  const index = new Uint8Array(W * H).map((_, p) => ((p % W) >> 3) * 5 + ((p / W) >> 3) * 3 + ((p * 7) % 3) & 127);
  return { palette, index, rgb: Uint8Array.from(index.reduce((a, i) => (a.push(...palette[i]), a), [])) };
}

// An animated GIF89a with a 128-colour table: the picture, then a second frame of colour 0
// (the page takes the first). LZW codes of 8 bits, each pixel a literal: a clear code every
// 100 pixels keeps the code table from outgrowing 8 bits, so no compressor is needed.
function gif({ palette, index }) {
  const le16 = (v) => [v & 255, v >> 8];
  const frame = (pixels) => {
    const codes = [128];
    pixels.forEach((i, n) => { if (n && n % 100 === 0) codes.push(128); codes.push(i); });
    codes.push(129);
    const blocks = [];
    for (let i = 0; i < codes.length; i += 255) blocks.push(Math.min(255, codes.length - i), ...codes.slice(i, i + 255));
    // a graphic control extension (0.1 s), the image descriptor, LZW minimum code size 7
    return [0x21, 0xf9, 4, 0x04, 10, 0, 0, 0, 0x2c, 0, 0, 0, 0, ...le16(W), ...le16(H), 0, 7, ...blocks, 0];
  };
  return Uint8Array.from([...Buffer.from('GIF89a'), ...le16(W), ...le16(H), 0xf6, 0, 0, ...palette.flat(),
    ...frame(index), ...frame(new Uint8Array(W * H)), 0x3b]);
}

// A VP8X header claiming 100000 x 100000, and nothing to decode after it.
function hugeWebp() {
  const b = Buffer.alloc(30);
  b.write('RIFF', 0); b.writeUInt32LE(22, 4); b.write('WEBPVP8X', 8); b.writeUInt32LE(10, 16);
  b.writeUIntLE(99999, 24, 3); b.writeUIntLE(99999, 27, 3);
  return b;
}

// Drop files on the page as a file manager does: [{name, type, b64}] or, made in the page,
// {name, type, blob: 'webp'} (the test picture encoded by the browser, losslessly).
function drop(page, files) {
  return page.evaluate(async ([list, w, h, rgbB64]) => {
    const dt = new DataTransfer();
    for (const f of list) {
      let bytes;
      if (f.blob) {
        const rgb = Uint8Array.from(atob(rgbB64), (c) => c.charCodeAt(0));
        const image = new ImageData(w, h);
        for (let p = 0; p < w * h; p++) image.data.set([rgb[3 * p], rgb[3 * p + 1], rgb[3 * p + 2], 255], 4 * p);
        const c = new OffscreenCanvas(w, h);
        c.getContext('2d').putImageData(image, 0, 0);
        bytes = await c.convertToBlob({ type: `image/${f.blob}`, quality: 1 }); // quality 1: lossless WebP
      } else bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.type }));
    }
    document.querySelector('#drop').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [files, W, H, Buffer.from(picture().rgb).toString('base64')]);
}

const skip = (t) => { if (!fs.existsSync(CHROMIUM)) { t.skip(`${CHROMIUM} not installed`); return true; } return false; };

test('WebP and GIF: decoded by the browser, enhanced to exactly what the same pixels give as a PNG', async (t) => {
  if (skip(t)) return;
  const studio = await createStudio({ threads: 1 });
  t.after(() => studio.terminate());
  const pic = picture();
  const png = await studio.encode({ width: W, height: H, channels: 3, data: pic.rgb }, { format: 'png' });
  const { page, check } = await pageFor(t);
  await drop(page, [{ name: 'photo.webp', type: 'image/webp', blob: 'webp' },
    { name: 'anim.gif', type: 'image/gif', b64: Buffer.from(gif(pic)).toString('base64') },
    { name: 'twin.png', type: 'image/png', b64: Buffer.from(png).toString('base64') }]);
  for (const name of ['photo.webp', 'anim.gif', 'twin.png']) await waitState(page, name, ['ready']);
  const title = (name) => page.locator('#queue li', { hasText: name }).getAttribute('title');
  assert.equal(await title('photo.webp'), `WebP ${W}x${H}, 3 channels, 8-bit RGB, decoded by the browser`);
  assert.equal(await title('anim.gif'), `GIF ${W}x${H}, 3 channels, 8-bit RGB, decoded by the browser (first frame)`);
  await page.getByRole('button', { name: 'Enhance low-light' }).click();
  for (const name of ['photo.webp', 'anim.gif', 'twin.png']) await waitState(page, name, ['done']);
  const results = {};
  for (const name of ['photo.webp', 'anim.gif', 'twin.png']) {
    await page.locator('#queue li', { hasText: name }).getByRole('button').click();
    const file = await download(page);
    assert.equal(file.name, `${name.replace(/\.\w+$/, '')}-enhanced.png`); // not JPEG: PNG, as for any other photo
    results[name] = await studio.decode(file.bytes);
  }
  const twin = results['twin.png'], mean = (img) => img.data.reduce((s, v) => s + v, 0) / img.data.length;
  assert.deepEqual([twin.width, twin.height, twin.channels], [W, H, 3]);
  assert.ok(mean(twin) > mean({ data: pic.rgb }) + 10, 'the enhancement did not brighten the picture');
  for (const name of ['photo.webp', 'anim.gif']) {
    assert.deepEqual([results[name].width, results[name].height, results[name].channels], [W, H, 3], name);
    assert.ok(Buffer.from(results[name].data).equals(Buffer.from(twin.data)), `${name}: the result differs from the PNG twin's`);
  }
  check();
});

test('a WebP header over the limit is refused before decoding; HEIC and TIFF this browser cannot read are named', async (t) => {
  if (skip(t)) return;
  const { page, check } = await pageFor(t);
  const noise = (n, seed) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 131 + seed * 17 + (i >> 3) * 7) & 255)).toString('base64');
  await drop(page, [{ name: 'huge.webp', type: 'image/webp', b64: hugeWebp().toString('base64') },
    { name: 'IMG_0001.HEIC', type: '', b64: noise(4096, 1) }, { name: 'scan.tiff', type: 'image/tiff', b64: noise(4096, 2) },
    { name: 'photo.webp', type: 'image/webp', blob: 'webp' }]);
  for (const name of ['huge.webp', 'IMG_0001.HEIC', 'scan.tiff']) await waitState(page, name, ['error']);
  await waitState(page, 'photo.webp', ['ready']); // the others go on
  const text = (name) => page.locator('#queue li', { hasText: name }).locator('.state').textContent();
  // the core's own sentence, from the header alone: the browser's decoder would have said "damaged"
  assert.equal(await text('huge.webp'), 'huge.webp: image is 100000x100000 = 10000 MP; the limit is 64 MP');
  assert.match(await text('IMG_0001.HEIC'), /^IMG_0001\.HEIC: HEIC images cannot be read by this browser: save the photo as JPEG or PNG first$/);
  assert.match(await text('scan.tiff'), /^scan\.tiff: TIFF images cannot be read by this browser/);
  await page.locator('#queue li', { hasText: 'photo.webp' }).getByRole('button').click();
  await page.getByRole('button', { name: 'Enhance low-light' }).click();
  await waitState(page, 'photo.webp', ['done']);
  check();
});
