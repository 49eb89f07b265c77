// Accessibility in every main state of the page, at desktop and phone width: axe-core (npm,
// run inside the page; every rule it enables by default, WCAG 2.2 AA target size included)
// must find nothing at all. States: empty; a photo open; enhanced; colour hints on; Repair with
// its mask found, and healed (screenshots a11y-repair-{desktop,phone}.png); the
// Colorize options with the model panel; the About dialog; and, the engine held back, a mode
// clicked before it is ready (pending; screenshot a11y-pending-{desktop,phone}.png). And the keyboard alone: Enter on
// "Enhance low-light" runs it, the focus stays on that button through the run (it is never
// dropped to <body>), and Tab goes on from there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { serve, launch, openPage, holdingProxy, maskSettled, shot, CHROMIUM, waitState } from './browser.mjs';
import { photoFile } from '../node/photos.mjs';

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// axe's violations in the page as it is now, one line each. The script is evaluated through
// the driver (not a <script> tag), so the page's Content-Security-Policy stays as it is.
async function violations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const found = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
  return found;
}

const WIDTHS = { desktop: { width: 1440, height: 900 }, phone: { width: 390, height: 844 } };

for (const [width, viewport] of Object.entries(WIDTHS)) {
  test(`axe: no violations in any state (${width}, ${viewport.width}x${viewport.height})`, async (t) => {
    if (!fs.existsSync(CHROMIUM)) { t.skip(`${CHROMIUM} not installed`); return; }
    const server = await serve();
    const browser = await launch();
    t.after(async () => { await browser.close(); server.stop(); });
    const { page, check } = await openPage(browser, server.url, { viewport, touch: width === 'phone' });
    const found = {};
    const look = async (state) => { found[state] = await violations(page); };
    await look('empty');
    const file = await photoFile('dark.jpg');
    await page.getByLabel('Open images').setInputFiles([file]);
    await waitState(page, 'dark.jpg', ['ready']);
    await look('photo open');
    await page.getByRole('button', { name: 'Enhance low-light' }).click();
    await waitState(page, 'dark.jpg', ['done']);
    await look('enhanced');
    await page.getByRole('button', { name: 'Colour hints' }).click();
    await look('hints on');
    await page.getByRole('button', { name: 'Colour hints' }).click();
    await page.getByRole('button', { name: 'Repair', exact: true }).click();
    await maskSettled(page);
    await look('Repair, the mask found');
    await shot(page, `a11y-repair-${width}`);
    await page.getByRole('button', { name: 'Heal' }).click();
    await waitState(page, 'dark.jpg', ['done']);
    await page.waitForFunction(() => !document.querySelector('#heal').disabled);
    await look('Repair, healed');
    await page.getByRole('button', { name: 'Colorize', exact: true }).click(); // no model: explains, offers hints
    await page.waitForFunction(() => !document.querySelector('#options-colorize').hidden);
    await look('Colorize options and the model panel');
    await page.getByRole('button', { name: 'About' }).click();
    await look('About');
    await page.getByRole('button', { name: 'Close' }).click();
    for (const [state, list] of Object.entries(found)) t.diagnostic(`${state}: ${list.length} violations`);
    assert.deepEqual(Object.fromEntries(Object.entries(found).filter(([, v]) => v.length)), {}, 'axe violations by state');
    check();
  });
}

for (const [width, viewport] of Object.entries(WIDTHS)) {
  test(`axe: no violations with a mode pending before the engine is ready (${width})`, async (t) => {
    if (!fs.existsSync(CHROMIUM)) { t.skip(`${CHROMIUM} not installed`); return; }
    const server = await serve();
    const proxy = await holdingProxy(server.url);
    const browser = await launch();
    t.after(async () => { await browser.close(); proxy.stop(); server.stop(); });
    const { page, check } = await openPage(browser, proxy.url, { viewport, touch: width === 'phone', ready: false });
    await page.getByLabel('Open images').setInputFiles([await photoFile('dark.jpg')]);
    await page.locator('#mode-enhance').click();
    assert.equal(await page.getAttribute('#mode-enhance', 'aria-busy'), 'true');
    assert.equal(await page.textContent('#mode-enhance'), 'Enhance low-light — waiting for the engine');
    await shot(page, `a11y-pending-${width}`);
    assert.deepEqual(await violations(page), [], 'axe violations with the mode pending');
    assert.ok(proxy.held() >= 1, 'the engine was not held');
    proxy.release();
    await waitState(page, 'dark.jpg', ['done']);
    check();
  });
}

test('keyboard alone: Enter on "Enhance low-light" runs it and the focus stays on the button', async (t) => {
  if (!fs.existsSync(CHROMIUM)) { t.skip(`${CHROMIUM} not installed`); return; }
  const server = await serve();
  const browser = await launch();
  t.after(async () => { await browser.close(); server.stop(); });
  const { page, check } = await openPage(browser, server.url);
  await page.getByLabel('Open images').setInputFiles([await photoFile('dark.jpg')]);
  await waitState(page, 'dark.jpg', ['ready']);
  await page.locator('body').focus();
  let steps = 0; // Tab from the top of the page to the button, as a keyboard user would
  while (!(await page.evaluate(() => document.activeElement?.id === 'mode-enhance'))) {
    await page.keyboard.press('Tab');
    assert.ok(++steps < 40, '"Enhance low-light" is not reachable with Tab');
  }
  await page.keyboard.press('Enter');
  await waitState(page, 'dark.jpg', ['working', 'done']);
  const during = await page.evaluate(() => document.activeElement?.id);
  await waitState(page, 'dark.jpg', ['done']);
  assert.equal(during, 'mode-enhance', 'the focus left the button while it ran');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'mode-enhance', 'the focus is not on the run button after the run');
  await page.keyboard.press('Enter'); // the same photo and options again: nothing to do, and nothing breaks
  await page.keyboard.press('Tab');
  assert.notEqual(await page.evaluate(() => document.activeElement?.tagName), 'BODY', 'Tab after the run went nowhere');
  check();
});
