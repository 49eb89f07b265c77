// The Save panel's format in a real browser: by default a JPEG photo downloads as JPEG and a
// PNG photo as PNG (one at a time and in "Download all"); a format the user picks is kept in
// this browser across a reload and wins over the photo's own. The photos are made here, so
// the test needs no ../shared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pageFor, CHROMIUM, download, waitState } from './browser.mjs';
import { photoFile } from '../node/photos.mjs';

const JPEG_MAGIC = [0xff, 0xd8, 0xff], PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];
const magic = (bytes, m) => m.every((b, i) => bytes[i] === b);

// A dark, textured photo (so Enhance has something to do), written as JPEG and as PNG.
const photos = async () => ({
  jpg: await photoFile('street.jpg', { width: 320, height: 240 }),
  png: await photoFile('chart.png', { width: 320, height: 240 }),
});

async function enhance(page, files) {
  await page.getByLabel('Open images').setInputFiles(files);
  await waitState(page, path.basename(files[0]), ['ready']);
  await page.getByRole('button', { name: 'Enhance low-light' }).click();
  for (const f of files) await waitState(page, path.basename(f), ['done']);
}

test('the download format follows the photo; a chosen format is remembered across a reload', async (t) => {
  if (!fs.existsSync(CHROMIUM)) { t.skip(`${CHROMIUM} not installed`); return; }
  const { jpg, png } = await photos();
  const { page, check } = await pageFor(t);
  assert.equal(await page.inputValue('#format'), 'auto', 'the default follows the photo');
  await enhance(page, [jpg, png]);

  await page.getByRole('button', { name: 'street.jpg', exact: true }).click();
  assert.equal(await page.isVisible('#quality-row'), true, 'a JPEG photo shows the JPEG quality');
  assert.equal(await page.inputValue('#quality'), '92');
  const a = await download(page);
  assert.equal(a.name, 'street-enhanced.jpg');
  assert.ok(magic(a.bytes, JPEG_MAGIC), 'not a JPEG');
  await page.getByRole('button', { name: 'chart.png', exact: true }).click();
  assert.equal(await page.isVisible('#quality-row'), false, 'a PNG photo has no quality to set');
  const b = await download(page);
  assert.equal(b.name, 'chart-enhanced.png');
  assert.ok(magic(b.bytes, PNG_MAGIC), 'not a PNG');
  // Download all: the same rule, photo by photo (Python's zipfile checks every CRC)
  const zip = await download(page, 'Download all');
  const listing = execFileSync('/usr/bin/python3', ['-c', `import sys, zipfile
z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None
for n in z.namelist(): print(n, z.read(n)[:3].hex())`, zip.file]).toString().trim().split('\n').sort();
  assert.deepEqual(listing, ['chart-enhanced.png 89504e', 'street-enhanced.jpg ffd8ff']);

  // the user's choice (and quality) is kept and wins over the photo's own format
  await page.getByRole('button', { name: 'street.jpg', exact: true }).click();
  await page.getByLabel('JPEG quality').fill('80');
  await page.getByLabel('Format').selectOption({ label: 'PNG (lossless)' });
  assert.equal(await page.isVisible('#quality-row'), false);
  const c = await download(page);
  assert.equal(c.name, 'street-enhanced.png');
  assert.ok(magic(c.bytes, PNG_MAGIC), 'the chosen PNG is not a PNG');
  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.build, null, { timeout: 60000 });
  assert.equal(await page.inputValue('#format'), 'png', 'the chosen format did not persist');
  assert.equal(await page.inputValue('#quality'), '80', 'the chosen quality did not persist');
  await enhance(page, [jpg]);
  const d = await download(page);
  assert.equal(d.name, 'street-enhanced.png');
  assert.ok(magic(d.bytes, PNG_MAGIC));
  // and back to following the photo
  await page.getByLabel('Format').selectOption('auto');
  assert.equal(await page.isVisible('#quality-row'), true);
  const e = await download(page);
  assert.equal(e.name, 'street-enhanced.jpg');
  assert.ok(magic(e.bytes, JPEG_MAGIC));
  check();
});
