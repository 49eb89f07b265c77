// Restore colour in Chromium, beyond the flow every engine runs (engines.test.mjs): a batch of
// a faded print, a good colour photo and a sepia print in one click, each with its own auto
// strength; the good photo and the sepia print come back unchanged and say why (the page
// leaves the slider on auto: see web/README.md); Strength moved off auto reruns the selected
// photo; "Download all" names each result NAME-restored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { pageFor, CHROMIUM, download, waitState } from './browser.mjs';
import { photoFile } from '../node/photos.mjs';

const state = (page, name) => page.evaluate((n) => [...document.querySelectorAll('#queue li')]
  .find((li) => li.querySelector('.name').textContent === n).querySelector('.state').textContent, name);

test('Restore colour on a batch: a faded print restored, a good photo and a sepia print left as they are and saying why', async (t) => {
  if (!fs.existsSync(CHROMIUM)) { t.skip(`${CHROMIUM} not installed`); return; }
  const files = [await photoFile('faded.png', { kind: 'faded', width: 320, height: 240 }), await photoFile('good.png', { kind: 'scene', width: 320, height: 240 }),
    await photoFile('sepia.png', { kind: 'sepia', width: 320, height: 240 })];
  const { page, check } = await pageFor(t);
  await page.getByLabel('Open images').setInputFiles(files);
  for (const n of ['faded.png', 'good.png', 'sepia.png']) await waitState(page, n, ['ready']);
  assert.deepEqual([await state(page, 'faded.png'), await state(page, 'good.png'), await state(page, 'sepia.png')],
    ['Suggested: Restore colour', 'PNG 320x240, 3 channels, 8-bit RGB', 'Suggested: Colorize']);

  // the selected photo (the first) runs first, then the others, with the same options
  await page.getByRole('button', { name: 'Restore colour' }).click();
  for (const n of ['faded.png', 'good.png', 'sepia.png']) await waitState(page, n, ['done']);
  assert.equal(await state(page, 'faded.png'), 'Restored');
  assert.equal(await state(page, 'good.png'), 'Unchanged: no fade found');
  assert.equal(await state(page, 'sepia.png'), 'Unchanged: no fade found');
  assert.match(await page.textContent('output[for="restore-strength"]'), /^auto \(\d+%\)$/);

  // the good photo: auto says 0; selected, the page says so (and keeps the slider on auto)
  await page.getByRole('button', { name: 'good.png', exact: true }).click();
  assert.equal(await page.textContent('output[for="restore-strength"]'), 'auto (0%)');
  await page.waitForFunction(() => /found no fade in good\.png .*move Strength off “auto”/.test(document.querySelector('#message').textContent));
  const same = await page.evaluate(() => [document.querySelector('#queue li:nth-child(2)').dataset.lightBefore, document.querySelector('#queue li:nth-child(2)').dataset.lightAfter]);
  assert.equal(same[0], same[1], 'unchanged');
  // Strength to 100%: the selected photo reruns with the whole estimated correction
  await page.locator('#restore-strength').fill('100');
  await page.waitForFunction(() => document.querySelector('output[for="restore-strength"]').textContent === '100%');
  await page.waitForFunction(() => { const li = document.querySelector('#queue li:nth-child(2)'); return li.dataset.state === 'done' && li.dataset.lightBefore !== li.dataset.lightAfter; });
  assert.equal(await state(page, 'good.png'), 'Restored');

  // the sepia print: a monochrome print, for Colorize
  await page.locator('#restore-strength').fill('-5'); // back to auto (a rerun of good.png, which is selected)
  await waitState(page, 'good.png', ['done']);
  await page.getByRole('button', { name: 'sepia.png', exact: true }).click();
  await page.waitForFunction(() => /sepia\.png looks like a monochrome print .*Colorize gives it colour/.test(document.querySelector('#message').textContent));
  // that note is Restore colour's: another mode (Repair only shows its mask) does not keep it
  await page.getByRole('button', { name: 'Repair' }).click();
  assert.equal(await page.textContent('#message'), '');

  // Download all: every result as NAME-restored.png
  const zip = await download(page, 'Download all');
  const names = execFileSync('/usr/bin/python3', ['-c', `import sys, zipfile
z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None
print('\\n'.join(sorted(z.namelist())))`, zip.file]).toString().trim().split('\n');
  assert.deepEqual(names, ['faded-restored.png', 'good-restored.png', 'sepia-restored.png']);
  await check();
});
