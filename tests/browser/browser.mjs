// browser.mjs - what the browser tests and the page benchmark share: the dev server on a free
// port, Debian's Chromium through playwright-core, and a page that records every request
// and console error so a test can check the page stayed on its origin and quiet.
import { spawn } from 'node:child_process';
import http from 'node:http';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { scratchDir } from '../node/helpers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.ES_CHROMIUM || '/usr/bin/chromium';
const SHOTS = path.join(process.env.ES_BUILD || path.join(ROOT, 'build'), 'screenshots');

/** A screenshot under build/screenshots/, for a person to look at. */
export function shot(page, name, fullPage = false) {
  fs.mkdirSync(SHOTS, { recursive: true });
  return page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

export function serve(extra = []) {
  return new Promise((resolve, reject) => {
    const root = extra.includes('--root') ? [] : ['--root', path.join(ROOT, 'web')];
    const p = spawn(process.execPath, [path.join(ROOT, 'tools/serve.mjs'), ...root, '--port', '0', ...extra]);
    p.stdout.on('data', (d) => { const m = /http:\/\/\S+\//.exec(String(d)); if (m) resolve({ url: m[0], stop: () => p.kill() }); });
    p.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
}

/** A proxy in front of the server at `url` that holds the requests whose path matches
 *  `pattern` (by default the engine's .wasm) until release() passes them on or fail(status)
 *  answers them with an HTTP error: a test's way to hold the engine's start, in any browser.
 *  {url, release, fail, held, stop}. */
export function holdingProxy(url, pattern = /\/gen\/studio-(st|mt)\.wasm$/) {
  const target = new URL(url);
  let mode = 'hold', status = 503;
  const held = [];
  const pass = (req, res) => {
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(up);
  };
  const refuse = (res) => { res.writeHead(status, { 'Content-Type': 'text/plain' }); res.end('held back by the test\n'); };
  const proxy = http.createServer((req, res) => {
    if (!pattern.test(new URL(req.url, 'http://x').pathname) || mode === 'pass') return pass(req, res);
    if (mode === 'fail') return refuse(res);
    held.push([req, res]);
  });
  return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve({
    url: `http://localhost:${proxy.address().port}/`,
    held: () => held.length,
    release: () => { mode = 'pass'; for (const [req, res] of held.splice(0)) pass(req, res); },
    fail: (code = 503) => { mode = 'fail'; status = code; for (const [, res] of held.splice(0)) refuse(res); },
    stop: () => { proxy.closeAllConnections?.(); proxy.close(); },
  })));
}

/** A proxy in front of the server at `url` that passes every request on, but for the scripts
 *  whose text it changes: prepend(pathname, n) (n: how many times this path was asked for,
 *  from 1) returns code to put before the script, or null to leave it as it is. A changed
 *  script is sent uncompressed, with no validator and no-store, so the next request for it
 *  reaches the proxy again. onRequest(url) sees each request first; returning true means it
 *  was answered (204). {url, stop}. */
export function rewritingProxy(url, { prepend = () => null, onRequest = () => false } = {}) {
  const target = new URL(url), seen = new Map();
  const proxy = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    if (onRequest(u)) { res.writeHead(204, { 'Cross-Origin-Resource-Policy': 'same-origin' }); res.end(); return; }
    seen.set(u.pathname, (seen.get(u.pathname) || 0) + 1);
    const code = prepend(u.pathname, seen.get(u.pathname));
    const headers = { ...req.headers };
    if (code != null) { delete headers['accept-encoding']; delete headers['if-none-match']; delete headers['if-modified-since']; }
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (r) => {
      if (code == null || r.statusCode !== 200) { res.writeHead(r.statusCode, r.headers); r.pipe(res); return; }
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (d) => { body += d; });
      r.on('end', () => {
        const h = { ...r.headers, 'cache-control': 'no-store' };
        delete h['content-length']; delete h.etag; delete h['last-modified'];
        res.writeHead(200, h);
        res.end(code + body);
      });
    });
    up.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve({
    url: `http://localhost:${proxy.address().port}/`,
    stop: () => { proxy.closeAllConnections?.(); proxy.close(); },
  })));
}

export const launch = () => chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// A fresh browser context on the page, watching requests and the console.
// ready: false returns once the page has loaded, without waiting for the engine.
// `waitUntil`: as page.goto's ('commit': the page is still loading, its scripts may not have run).
export async function openPage(browser, url, { viewport = { width: 1440, height: 900 }, colorScheme = 'light', init, ready = true, touch = false, waitUntil = 'load' } = {}) {
  const context = await browser.newContext({ viewport, colorScheme, acceptDownloads: true, hasTouch: touch, isMobile: touch });
  if (init) await context.addInitScript(init); // runs before the page's own scripts
  const page = await context.newPage();
  const problems = [], requests = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  context.on('request', (r) => requests.push(r.url()));
  await page.goto(url, { waitUntil });
  if (ready) await page.waitForFunction(() => document.documentElement.dataset.build, null, { timeout: 60000 });
  const origin = new URL(url).origin;
  const check = () => {
    assert.deepEqual(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:')), [], 'requests left the origin');
    assert.deepEqual(problems, [], 'console errors');
  };
  return { context, page, problems, requests, check };
}

/** A server (serve() arguments), a browser and a page on it for test t, all closed after it. */
export async function pageFor(t, serveArgs = [], pageOptions = {}) {
  const server = await serve(serveArgs);
  const browser = await launch();
  t.after(async () => { await browser.close(); server.stop(); });
  return { ...(await openPage(browser, server.url, pageOptions)), url: server.url };
}

/** Wait until the queue item whose text has `name` is in one of the states `want`. */
export async function waitState(page, name, want, timeout = 120000) {
  await page.waitForFunction(([n, w]) => [...document.querySelectorAll('#queue li')].some((li) => li.textContent.includes(n) && w.includes(li.dataset.state)),
    [name, want], { timeout });
}

/** Click the button named `button` and keep the file it downloads: {name, file, bytes}. */
// Repair's mask count (#mask-status) once the worker has answered every edit...
export async function maskSettled(page) {
  await page.waitForFunction(() => { const s = document.querySelector('#mask-status'); return s.dataset.pending === 'false' && s.dataset.damaged !== ''; });
  return Number(await page.getAttribute('#mask-status', 'data-damaged'));
}
// ... and once it is no longer `was`.
export async function maskChanged(page, was) {
  await page.waitForFunction((n) => { const s = document.querySelector('#mask-status'); return s.dataset.pending === 'false' && s.dataset.damaged !== '' && Number(s.dataset.damaged) !== n; }, was);
  return maskSettled(page);
}

export async function download(page, button = 'Download') {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), page.getByRole('button', { name: button, exact: true }).click()]);
  const file = path.join(scratchDir('dl-'), dl.suggestedFilename());
  await dl.saveAs(file);
  return { name: dl.suggestedFilename(), file, bytes: fs.readFileSync(file) };
}

/** Hue in degrees and chroma (max - min) of an sRGB colour. */
export function hue([r, g, b]) {
  const max = Math.max(r, g, b), c = max - Math.min(r, g, b);
  if (!c) return { h: NaN, c };
  const h = max === r ? ((g - b) / c + 6) % 6 : max === g ? (b - r) / c + 2 : (r - g) / c + 4;
  return { h: h * 60, c };
}

const hueGap = (rgb, want) => {
  const a = hue(rgb), b = hue(want.match(/\w\w/g).map((v) => parseInt(v, 16)));
  return { a, b, d: Math.abs(((a.h - b.h + 540) % 360) - 180) };
};

/** `rgb` has the hue of `want` ('#rrggbb') within 20 degrees, with chroma 20 or more. */
export function assertHue(rgb, want, what) {
  const { a, b, d } = hueGap(rgb, want);
  assert.ok(a.c >= 20 && d <= 20, `${what}: ${rgb} (hue ${a.h.toFixed(0)}, chroma ${a.c}) is not ${want} (hue ${b.h.toFixed(0)})`);
}

/** `rgb` is grey-ish or 60 degrees or more away from the hue of `want`. */
export function assertNotHue(rgb, want, what) {
  const { a, d } = hueGap(rgb, want);
  assert.ok(a.c < 20 || d > 60, `${what}: ${rgb} (hue ${a.h.toFixed(0)}, chroma ${a.c}) still has ${want}'s hue`);
}

/** The step photo (photos.mjs 'step', 640x420) coloured from a red hint (#d02020) at
 *  (80, 200), left of its edge, and a blue one (#2040d0) right of it: each side has its
 *  hint's hue, and the red stops at the edge. */
export function assertStepColoured(img) {
  assert.deepEqual([img.width, img.height], [640, 420]);
  assertHue(pixel(img, 80, 200), '#d02020', 'at the red hint');
  assertHue(pixel(img, 10, 10), '#d02020', 'far away on the red side');
  assertHue(pixel(img, 630, 410), '#2040d0', 'across the edge');
  assertNotHue(pixel(img, 630, 410), '#d02020', 'across the edge');
}

/** The RGB of pixel (x, y) of a decoded image. */
export const pixel = (img, x, y) => [...img.data.subarray((y * img.width + x) * img.channels, (y * img.width + x) * img.channels + 3)];
