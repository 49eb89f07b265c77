// Local exposure on the page: a backlit photo (photos.mjs: the ground 8 times darker than
// the sky) enhanced with the defaults has its ground lifted; the Shadows slider's far-left
// notch reads "auto", moving it to 0 reruns the photo (from the open photo, no new decode)
// with one gain for the whole photo, and Defaults brings auto back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { pageFor, CHROMIUM, waitState, shot } from './browser.mjs';
import { photoFile } from '../node/photos.mjs';

test('Shadows and Highlights: auto lifts a backlit ground; 0 reruns with one gain; Defaults restores auto', async (t) => {
  if (!fs.existsSync(CHROMIUM)) { t.skip(`${CHROMIUM} not installed`); return; }
  const file = await photoFile('backlit.png', { kind: 'backlit' });
  const { page, check } = await pageFor(t);
  await page.getByLabel('Open images').setInputFiles([file]);
  await waitState(page, 'backlit.png', ['ready']);
  await page.getByRole('button', { name: 'Enhance low-light' }).click();
  await waitState(page, 'backlit.png', ['done']);
  const light = () => page.locator('#queue li').evaluate((li) => Number(li.dataset.lightAfter));
  const runs = () => page.locator('#queue li').evaluate((li) => li.dataset.runMs);
  assert.equal(await page.textContent('output[for="shadows"]'), 'auto');
  assert.equal(await page.textContent('output[for="highlights"]'), '0.00');
  await shot(page, 'backlit-auto');
  const auto = await light(), firstRun = await runs();
  await page.getByLabel('Shadows').fill('0');
  assert.equal(await page.textContent('output[for="shadows"]'), '0.00');
  await page.waitForFunction((r) => document.querySelector('#queue li').dataset.runMs !== r && document.querySelector('#queue li').dataset.state === 'done', firstRun);
  const global = await light();
  assert.ok(auto > global + 0.03, `mean lightness with local exposure ${auto}, with one gain ${global}`);
  await page.getByRole('button', { name: 'Defaults' }).click();
  await page.waitForFunction(() => document.querySelector('output[for="shadows"]').textContent === 'auto');
  await page.waitForFunction((g) => Math.abs(Number(document.querySelector('#queue li').dataset.lightAfter) - g) > 0.01 && document.querySelector('#queue li').dataset.state === 'done', global);
  assert.ok(Math.abs((await light()) - auto) < 0.005, 'Defaults did not bring auto back');
  check();
});
