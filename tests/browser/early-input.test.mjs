// Photos handed over before the engine is ready: by the picker, a drop, a paste and the
// operating system's launch queue ("Open with Enhancement Studio"). The test holds the
// engine's .wasm at a proxy, so "before Ready" is certain however fast or busy the machine
// is; every photo must be in the queue at once, say it waits for the engine, and open in the
// order it came once the engine starts. If the engine cannot start, each waiting photo says
// why, and so does the page for a mode clicked meanwhile (engines.test.mjs has such a mode run
// once the engine starts, in every engine). The engine's status is checked visible at desktop and phone width while it loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serve, launch, openPage, holdingProxy, waitState, shot, CHROMIUM } from './browser.mjs';
import { photoFile } from '../node/photos.mjs';

// The launch queue exists only in an installed app opened from the OS; the page's consumer
// is the same code either way, so the test stands in for the browser's queue and hands files
// to whatever consumer the page set (also in browsers that have no launch queue of their own).
// As the browser's, it keeps what comes before a consumer is set and hands it over then.
const LAUNCH_QUEUE = () => {
  const consumers = [], unheard = [];
  const setConsumer = (f) => { consumers.push(f); for (const params of unheard.splice(0)) f(params); };
  Object.defineProperty(window, 'launchQueue', { configurable: true, value: { setConsumer } });
  window.testLaunch = (files) => {
    const params = { files: files.map((file) => ({ kind: 'file', name: file.name, getFile: async () => file })) };
    if (!consumers.length) { unheard.push(params); return Promise.resolve(); }
    return Promise.all(consumers.map((f) => f(params)));
  };
};

// Which photos reached "ready", in order (state changes are watched from the start).
const WATCH_OPENED = () => {
  window.openedOrder = [];
  new MutationObserver((changes) => {
    for (const c of changes) {
      const li = c.target;
      if (c.attributeName === 'data-state' && li.dataset.state === 'ready' && !window.openedOrder.includes(li.querySelector('.name').textContent))
        window.openedOrder.push(li.querySelector('.name').textContent);
    }
  }).observe(document.querySelector('#queue'), { attributes: true, subtree: true, attributeFilter: ['data-state'] });
};

// The page through a proxy holding the engine's .wasm (or the paths `hold` matches), so
// "before Ready" is certain; `waitUntil` as openPage's.
async function setUp(t, viewport, { hold, waitUntil } = {}) {
  if (!fs.existsSync(CHROMIUM)) { t.skip(`${CHROMIUM} not installed`); return null; }
  const server = await serve();
  const proxy = await holdingProxy(server.url, ...(hold ? [hold] : []));
  const browser = await launch();
  t.after(async () => { await browser.close(); proxy.stop(); server.stop(); });
  const p = await openPage(browser, proxy.url, { viewport, ready: false, init: LAUNCH_QUEUE, waitUntil });
  if (!hold) await p.page.evaluate(WATCH_OPENED);
  return { ...p, proxy };
}

// Hand one photo over by each way in, in this order: picker, drop, paste, launch queue.
async function handOver(page) {
  const b64 = async (name, opts) => fs.readFileSync(await photoFile(name, opts)).toString('base64');
  await page.getByLabel('Open images').setInputFiles([await photoFile('picked.jpg')]);
  await page.evaluate(([dropped, pasted, launched]) => {
    const file = (data, name, type) => new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name, { type });
    const drop = new DataTransfer();
    drop.items.add(file(dropped, 'dropped.png', 'image/png'));
    document.querySelector('#drop').dispatchEvent(new DragEvent('drop', { dataTransfer: drop, bubbles: true, cancelable: true }));
    const paste = new DataTransfer();
    paste.items.add(file(pasted, 'image.png', 'image/png'));
    document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: paste, bubbles: true, cancelable: true }));
    return window.testLaunch([file(launched, 'launched.jpg', 'image/jpeg')]);
  }, [await b64('dropped.png', { kind: 'grey' }), await b64('pasted.png', { kind: 'scene', seed: 3 }), await b64('launched.jpg')]);
}

const queueStates = (page) => page.$$eval('#queue li', (lis) => lis.map((li) => [li.querySelector('.name').textContent, li.dataset.state, li.querySelector('.state').textContent]));

for (const [label, viewport] of [['desktop', { width: 1440, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
  test(`${label}: photos given by every way before the engine is ready wait in the queue and open in order`, async (t) => {
    const s = await setUp(t, viewport);
    if (!s) return;
    const { page, proxy, check } = s;
    assert.ok(await page.locator('#engine').isVisible(), 'the engine status is hidden while it loads');
    assert.match(await page.textContent('#engine'), /Loading the engine/);
    await handOver(page);
    const waiting = await queueStates(page);
    assert.equal(waiting.length, 4, `queue: ${JSON.stringify(waiting)}`);
    assert.deepEqual(waiting.map(([name]) => name.replace(/^pasted-.*/, 'pasted')), ['picked.jpg', 'dropped.png', 'pasted', 'launched.jpg']);
    for (const [name, st, text] of waiting) {
      assert.equal(st, 'queued', `${name} is ${st}`);
      assert.match(text, /Waiting for the engine/, name);
    }
    await shot(page, `waiting-for-engine-${label}`);
    assert.ok(proxy.held() >= 1, 'the engine was not held');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.build), undefined, 'the engine started before the test let it');
    proxy.release();
    for (const [name] of waiting) await waitState(page, name, ['ready']);
    assert.deepEqual(await page.evaluate(() => window.openedOrder), waiting.map(([name]) => name));
    assert.match(await page.textContent('#engine'), /^Ready/);
    // the first photo is selected and on show
    assert.match(await page.getAttribute('#view', 'aria-label'), /picked\.jpg, the original/);
    check();
  });
}

// Photos given before app.js has run at all (its module graph still loading: its import
// ui/pwa.js held): a user can pick, drop or paste from the moment the page is parsed, which on
// a slow network or a busy machine comes seconds before app.js listens. web/ui/early.js keeps
// them, and app.js opens them once it runs, in the order they came. (WebKitGTK's driver
// returns from a navigation at that moment: CI lost photos there before early.js.)
test('photos given by every way before the page\'s script has run are kept and open, in order, once it runs', async (t) => {
  const s = await setUp(t, { width: 1440, height: 900 }, { hold: /\/ui\/pwa\.js$/, waitUntil: 'commit' });
  if (!s) return;
  const { page, proxy, check } = s;
  await page.waitForFunction(() => document.readyState !== 'loading', null, { timeout: 30000 }); // parsed: early.js has run
  for (const end = Date.now() + 30000; !proxy.held(); await new Promise((r) => setTimeout(r, 100))) assert.ok(Date.now() < end, 'ui/pwa.js was never asked for');
  assert.equal(await page.evaluate(() => document.readyState), 'interactive', 'app.js has not run: DOMContentLoaded waits for it');
  await page.evaluate(WATCH_OPENED);
  await handOver(page);
  assert.deepEqual(await queueStates(page), [], 'a queue before app.js runs');
  proxy.release();
  await page.waitForFunction(() => window.openedOrder.length === 4, null, { timeout: 60000 });
  assert.deepEqual((await page.evaluate(() => window.openedOrder)).map((n) => n.replace(/^pasted-.*/, 'pasted')), ['picked.jpg', 'dropped.png', 'pasted', 'launched.jpg']);
  assert.match(await page.getAttribute('#view', 'aria-label'), /picked\.jpg, the original/);
  check();
});

test('the engine cannot start: every waiting photo says why, and so do photos given after; the mode clicked meanwhile is dropped, saying why', async (t) => {
  const s = await setUp(t, { width: 390, height: 844 });
  if (!s) return;
  const { page, proxy } = s;
  await handOver(page);
  await page.locator('#mode-enhance').click();
  assert.equal(await page.getAttribute('#mode-enhance', 'aria-busy'), 'true');
  proxy.fail(503);
  await page.waitForFunction(() => document.querySelector('#engine').dataset.state === 'error', null, { timeout: 60000 });
  assert.equal(await page.getAttribute('#mode-enhance', 'aria-busy'), null);
  assert.equal(await page.textContent('#mode-enhance'), 'Enhance low-light');
  assert.match(await page.textContent('#message'), /^Enhance low-light did not run: the engine could not start: .*HTTP 503/);
  assert.ok(await page.locator('#engine').isVisible(), 'the engine error is hidden at phone width');
  assert.match(await page.textContent('#engine'), /The engine could not start: .*HTTP 503/);
  await page.getByLabel('Open images').setInputFiles([await photoFile('late.jpg')]);
  const states = await queueStates(page);
  assert.equal(states.length, 5);
  for (const [name, st, text] of states) {
    assert.equal(st, 'error', `${name} is ${st}`);
    assert.match(text, new RegExp(`${name.replace(/\./g, '\\.')}: not opened, the engine could not start: .*HTTP 503`));
  }
  assert.equal(await page.locator('#queue li [role="alert"]').count(), 5);
  await shot(page, 'engine-failed-phone');
});

// A threaded engine that never comes up (seen in Firefox: its pthread worker never starts)
// must not leave the page at "Loading the engine…": 20 s after its bytes arrived the studio
// ends it and starts the single-thread build, and the status says why. The proxy holds the
// pthread worker's script, which stalls the threaded start the same way.
test('a threaded engine that does not start: the single-thread build takes over and the page says why', async (t) => {
  if (!fs.existsSync(CHROMIUM)) { t.skip(`${CHROMIUM} not installed`); return; }
  const server = await serve();
  const proxy = await holdingProxy(server.url, /\/gen\/studio-mt\.worker\.js$/);
  const browser = await launch();
  t.after(async () => { await browser.close(); proxy.stop(); server.stop(); });
  const { page, check } = await openPage(browser, proxy.url, { ready: false });
  await page.waitForFunction(() => document.documentElement.dataset.build, null, { timeout: 60000 });
  assert.ok(proxy.held() >= 1, 'the pthread worker script was not asked for');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.build), 'st');
  assert.match(await page.textContent('#engine'), /Ready: one thread, WebAssembly SIMD \(the threaded engine did not start within 20 s\)/);
  await page.getByLabel('Open images').setInputFiles([await photoFile('dark.jpg')]);
  await waitState(page, 'dark.jpg', ['ready']);
  await page.getByRole('button', { name: 'Enhance low-light' }).click();
  await waitState(page, 'dark.jpg', ['done']);
  proxy.fail(503); // answer the held request before the page goes
  check();
});

// A pthread worker that fails before it loaded the module (its script answered 404): the glue
// attaches its onerror only later and would wait unseen; the studio sees the error
// (core.js watchWorkers), tries a new worker twice, then runs one thread and says why.
test('a pthread worker whose script fails: tried again, then one thread, saying why (no 20 s wait)', async (t) => {
  if (!fs.existsSync(CHROMIUM)) { t.skip(`${CHROMIUM} not installed`); return; }
  const server = await serve();
  const proxy = await holdingProxy(server.url, /\/gen\/studio-mt\.worker\.js$/);
  proxy.fail(404);
  const browser = await launch();
  t.after(async () => { await browser.close(); proxy.stop(); server.stop(); });
  const t0 = Date.now();
  const { page } = await openPage(browser, proxy.url, { ready: false });
  await page.waitForFunction(() => document.documentElement.dataset.build, null, { timeout: 60000 });
  assert.ok(Date.now() - t0 < 15000, `one thread only after ${Date.now() - t0} ms`);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.build), 'st');
  assert.match(await page.textContent('#engine'),
    /^Ready: one thread, WebAssembly SIMD \(a thread of the threaded engine did not start: its worker 1 failed \(.+\)\)$/);
});
