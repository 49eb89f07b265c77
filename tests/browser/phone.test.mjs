// The page on a phone (390x844, touch): the photo comes first at the full width and its own
// aspect; a vertical swipe on it scrolls the page, and only after a double-tap zoom does one
// finger pan the photo; the mode buttons and Download sit in a bar at the bottom of the
// screen, so a result is saved without scrolling past the options; nothing is wider than the
// screen; every control is at least 24 px each way. Screenshots at phone and desktop width
// go to build/screenshots/ (phone-*.png, desktop-enhanced.png) for a person to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serve, launch, openPage, CHROMIUM, waitState, shot, download } from './browser.mjs';
import { photoFile } from '../node/photos.mjs';

const PHONE = { width: 390, height: 844 };

// Controls a finger can hit that are smaller than 24 px either way (hidden ones aside).
const smallTargets = (page) => page.$$eval('button, select, input, label.button, summary, a[href]', (els) => els
  .filter((e) => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden' && !e.classList.contains('visually-hidden'))
  .map((e) => [e, e.getBoundingClientRect()])
  .filter(([, r]) => r.width < 24 || r.height < 24)
  .map(([e, r]) => `${e.outerHTML.slice(0, 80)} ${Math.round(r.width)}x${Math.round(r.height)}`));

// One finger through the browser's real input pipeline (touch-action applies): a drag from
// `at` by (dx, dy) in 10 steps, or a tap.
async function swipe(cdp, page, at, dx, dy) {
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at] });
  for (let i = 1; i <= 10; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: at.x + (dx * i) / 10, y: at.y + (dy * i) / 10 }] });
    await page.waitForTimeout(16);
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await page.waitForTimeout(200); // let the scroll settle
}
// scrollY once the page has stopped moving (a swipe's fling goes on after the finger lifts)
async function settledScroll(page) {
  let last = -1, y = await page.evaluate(() => scrollY);
  while (y !== last) { last = y; await page.waitForTimeout(250); y = await page.evaluate(() => scrollY); }
  return y;
}
async function doubleTap(cdp, at) {
  for (let i = 0; i < 2; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at] });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  }
}

const onScreen = (page, sel) => page.$eval(sel, (e) => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth && r.width > 0; });

test('phone: photo first at its aspect, swipe scrolls, double-tap zooms then one finger pans, the action bar on the first screen', async (t) => {
  if (!fs.existsSync(CHROMIUM)) { t.skip(`${CHROMIUM} not installed`); return; }
  const server = await serve();
  const browser = await launch();
  t.after(async () => { await browser.close(); server.stop(); });
  const { page, check } = await openPage(browser, server.url, { viewport: PHONE, touch: true });
  const noSideScroll = () => page.evaluate(() => document.documentElement.scrollWidth <= innerWidth);
  assert.ok(await noSideScroll(), 'the empty page is wider than the screen');
  assert.ok(await onScreen(page, '#empty label[for="open"]'), '"Open images" is not on the first screen');
  await shot(page, 'phone-empty');

  const file = await photoFile('street.jpg', { kind: 'backlit', width: 900, height: 600 });
  await page.getByLabel('Open images').setInputFiles([file]);
  await waitState(page, 'street.jpg', ['ready']);
  await page.waitForFunction(() => document.querySelector('#viewer').classList.contains('has-image'));
  const layout = await page.evaluate(() => {
    const v = document.querySelector('#viewer').getBoundingClientRect(), o = document.querySelector('.options').getBoundingClientRect();
    const q = document.querySelector('#queue').getBoundingClientRect();
    return { top: v.top, width: v.width, height: v.height, below: o.top >= v.bottom && q.top >= v.bottom };
  });
  assert.ok(layout.below, 'the queue and the options must come after the photo');
  assert.ok(layout.width >= PHONE.width - 24, `the photo is ${layout.width} px wide on a ${PHONE.width} px screen`);
  assert.ok(Math.abs(layout.height - layout.width / 1.5) < 2, `a 3:2 photo in a ${layout.width}x${layout.height} box`);

  await page.getByRole('button', { name: 'Enhance low-light' }).click();
  await waitState(page, 'street.jpg', ['done']);
  assert.ok(await onScreen(page, '#download'), 'Download is not on the first screen after a result');
  assert.ok(await onScreen(page, '#mode-colorize') && await onScreen(page, '#mode-enhance'), 'the mode buttons are off screen');
  assert.ok(await noSideScroll(), 'the page is wider than the screen after a result');
  assert.deepEqual(await smallTargets(page), [], 'controls under 24 px');
  await shot(page, 'phone-enhanced');

  // A vertical swipe that starts on the photo scrolls the page.
  const cdp = await page.context().newCDPSession(page);
  const box = await page.locator('#viewer').boundingBox();
  const mid = { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
  await swipe(cdp, page, mid, 0, -250);
  const scrolled = await settledScroll(page);
  assert.ok(scrolled > 100, `a swipe on the photo scrolled the page by ${scrolled} px`);
  assert.ok(await onScreen(page, '#download'), 'Download left the screen when the page scrolled');
  await shot(page, 'phone-scrolled');

  // Double-tap zooms in; then one finger pans the photo and the page stays put.
  await page.evaluate(() => scrollTo(0, 0));
  const top = await settledScroll(page);
  await doubleTap(cdp, mid);
  await page.waitForFunction(() => document.querySelector('#viewer').classList.contains('zoomed'));
  const zoom = await page.textContent('#zoom-level');
  const still = await page.locator('#view').screenshot();
  await swipe(cdp, page, mid, -60, -150);
  assert.equal(await settledScroll(page), top, 'a one-finger drag on a zoomed photo scrolled the page');
  assert.ok(!still.equals(await page.locator('#view').screenshot()), 'a one-finger drag on a zoomed photo did not pan it');
  await shot(page, 'phone-zoomed');
  await doubleTap(cdp, mid);
  await page.waitForFunction(() => !document.querySelector('#viewer').classList.contains('zoomed'));
  t.diagnostic(`double-tap zoom: ${zoom}`);

  const saved = await download(page);
  assert.match(saved.name, /street-enhanced\.jpg$/);
  check();

  // The same photo at desktop width, for the eye.
  const desk = await openPage(browser, server.url, { viewport: { width: 1440, height: 900 } });
  await desk.page.getByLabel('Open images').setInputFiles([file]);
  await waitState(desk.page, 'street.jpg', ['ready']);
  await desk.page.getByRole('button', { name: 'Enhance low-light' }).click();
  await waitState(desk.page, 'street.jpg', ['done']);
  assert.deepEqual(await smallTargets(desk.page), [], 'controls under 24 px at desktop width');
  await shot(desk.page, 'desktop-enhanced');
  desk.check();
});
