// A lean first visit (issue 16): what the network carries, seen by a recording proxy in front
// of tools/serve.mjs (tests/browser/netlog.mjs), so the page, its worker, the pthread
// workers and the service worker are all counted.
// - Cold: compressed, one WASM build, its pthread worker started once, nothing downloaded
//   twice (the service worker takes what the page loaded from the HTTP cache), at most 30
//   requests and 600 KB on the wire until Ready.
// - Warm: the app comes from the service worker, no byte of it from the network.
// - Offline afterwards; and a host without isolation headers (the single-thread build first,
//   the worker keeps both, the next load threaded, offline too).
// - An update whose files changed gets the new files, not the HTTP cache's old ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch, CHROMIUM } from './browser.mjs';
import { recordingProxy, visit, isUpdateCheck, isModelList } from './netlog.mjs';
import { scratchDir } from '../node/helpers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const skip = (t) => { if (!fs.existsSync(CHROMIUM)) { t.skip(`${CHROMIUM} not installed`); return true; } return false; };
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

// A server, a recording proxy in front of it and a browser (a fresh profile), closed after t.
async function setup(t, serveArgs = []) {
  const server = await serve(serveArgs);
  const proxy = await recordingProxy(server.url);
  const browser = await launch();
  t.after(async () => { await browser.close(); proxy.stop(); server.stop(); });
  const context = await browser.newContext();
  const problems = [], elsewhere = [];
  context.on('page', (p) => { p.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); }); p.on('pageerror', (e) => problems.push(e.message)); });
  context.on('request', (r) => { if (!r.url().startsWith(new URL(proxy.url).origin) && !/^(blob|data):/.test(r.url())) elsewhere.push(r.url()); });
  t.after(() => assert.deepEqual(elsewhere, [], 'requests left the origin'));
  return { proxy, browser, context, problems };
}

// The paths fetched more than once, and those answered in full (200) more than once.
function repeats(log) {
  const all = new Map(), full = new Map();
  for (const e of log) {
    all.set(e.path, (all.get(e.path) || 0) + 1);
    if (e.status === 200) full.set(e.path, (full.get(e.path) || 0) + 1);
  }
  const over = (m) => [...m].filter(([, n]) => n > 1).map(([p, n]) => `${p} x${n}`);
  return { fetched: over(all), downloaded: over(full) };
}

// Files changed since the build listed their hashes (another edit in the working tree): the
// service worker rightly fetches those again, as it would after an update.
function changedSinceBuild(web = path.join(ROOT, 'web')) {
  const text = fs.readFileSync(path.join(web, 'gen', 'assets.js'), 'utf8');
  return [...text.matchAll(/'([^']+)': '([0-9a-f]+)'/g)].filter(([, f, h]) =>
    crypto.createHash('sha256').update(fs.readFileSync(path.join(web, f === './' ? 'index.html' : f))).digest('hex').slice(0, 12) !== h)
    .map(([, f]) => `/${f === './' ? '' : f}`);
}
const notChanged = (t, list) => {
  const changed = changedSinceBuild();
  if (changed.length) t.diagnostic(`changed since the build (fetched again by design): ${changed.join(', ')}; run tools/studio build`);
  return list.filter((d) => !changed.some((c) => d.startsWith(`${c} x`)));
};

const shellKeys = (page) => page.evaluate(async () => {
  const name = (await caches.keys()).find((k) => k.startsWith('studio-shell-'));
  return name ? (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname) : [];
});

test('cold visit: compressed, one build, nothing downloaded twice; warm visit: no app byte from the network; then offline', async (t) => {
  if (skip(t)) return;
  const { proxy, context, problems } = await setup(t);
  const cold = await visit(context, proxy, proxy.url, { keepOpen: true });
  assert.equal(await cold.page.evaluate(() => document.documentElement.dataset.build), 'mt');
  const { fetched, downloaded } = repeats(cold.log);
  t.diagnostic(`cold: Ready in ${Math.round(cold.ready)} ms; ${cold.untilReady.requests} requests, ${kb(cold.untilReady.wire)} on the wire until Ready; ` +
    `${cold.all.requests} requests, ${kb(cold.all.wire)} (${kb(cold.all.decoded)} decoded) in all; revalidated: ${fetched.join(', ') || 'none'}`);
  assert.deepEqual(notChanged(t, downloaded), [], 'downloaded more than once');
  // what may be asked twice: a revalidation (304) of a module both the page and its worker
  // import, and of the icon both the header and the tab's favicon show
  for (const e of cold.log.filter((x) => fetched.some((f) => f.startsWith(`${x.path} x`)) && x.status !== 200))
    assert.equal(e.status, 304, `${e.path} fetched again with HTTP ${e.status}`);
  assert.ok(notChanged(t, fetched).every((f) => /^\/(formats\.js|shared\.js|icon\.svg) x2$/.test(f)), `fetched more than once: ${fetched}`);
  // one WASM build, fetched at its versioned URL; the pool's worker script once
  const paths = cold.log.map((e) => e.path);
  assert.ok(!paths.some((p) => p.includes('studio-st.')), `the single-thread build was fetched: ${paths}`);
  assert.equal(paths.filter((p) => p.startsWith('/gen/studio-mt.worker.js')).length, 1);
  assert.ok(paths.some((p) => /^\/gen\/studio-mt\.wasm\?v=[0-9a-f]{12}$/.test(p)), `no versioned wasm URL: ${paths}`);
  // compressed on the wire: every text and wasm response with a body
  for (const e of cold.log) if (e.status === 200 && /\.(m?js|css|wasm|svg|webmanifest)(\?|$)|\/$/.test(e.path) && e.decoded > 1024) assert.equal(e.encoding, 'br', e.path);
  assert.ok(cold.untilReady.requests <= 30, `${cold.untilReady.requests} requests until Ready`);
  assert.ok(cold.all.requests <= 30, `${cold.all.requests} requests in all`);
  assert.ok(cold.untilReady.wire <= 600 * 1024, `${kb(cold.untilReady.wire)} until Ready`);
  // the service worker kept the shell and the threaded build, not the other one
  const kept = await shellKeys(cold.page);
  assert.ok(kept.includes('/gen/studio-mt.wasm') && kept.includes('/app.js') && kept.includes('/'), `kept: ${kept}`);
  assert.ok(!kept.some((p) => p.includes('studio-st.')), `the single-thread build was kept: ${kept}`);
  await cold.page.close();

  const warm = await visit(context, proxy, proxy.url);
  const app = warm.log.filter((e) => !isUpdateCheck(e.path) && !isModelList(e.path));
  t.diagnostic(`warm: Ready in ${Math.round(warm.ready)} ms; network: ${warm.log.map((e) => `${e.path} ${e.status}`).join(', ') || 'nothing'}`);
  assert.deepEqual(app.map((e) => e.path), [], 'app files fetched from the network on a warm visit');
  assert.equal(app.reduce((a, e) => a + e.wire, 0), 0);

  await context.setOffline(true);
  const page = await context.newPage();
  await page.goto(proxy.url);
  await page.waitForFunction(() => document.documentElement.dataset.build, null, { timeout: 60000 });
  assert.equal(await page.evaluate(() => navigator.onLine), false);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.build), 'mt');
  assert.deepEqual(problems, [], 'console errors');
});

test('a host without isolation headers: the single-thread build first, both kept, the next load threaded, also offline', async (t) => {
  if (skip(t)) return;
  const { proxy, context, problems } = await setup(t, ['--no-isolation']);
  const cold = await visit(context, proxy, proxy.url, { keepOpen: true });
  assert.equal(await cold.page.evaluate(() => document.documentElement.dataset.build), 'st');
  assert.deepEqual(notChanged(t, repeats(cold.log).downloaded), [], 'downloaded more than once');
  // the page said it runs 'st': the worker keeps it (from the HTTP cache) beside the threaded build it expects
  await cold.page.waitForFunction(async () => {
    const name = (await caches.keys()).find((k) => k.startsWith('studio-shell-'));
    const keys = name ? (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname) : [];
    return keys.includes('/gen/studio-st.wasm') && keys.includes('/gen/studio-mt.wasm');
  }, null, { timeout: 30000, polling: 200 });
  await proxy.idle();
  assert.deepEqual(notChanged(t, repeats(proxy.log).downloaded), [], 'downloaded more than once');
  await context.setOffline(true);
  await cold.page.reload();
  await cold.page.waitForFunction(() => document.documentElement.dataset.build, null, { timeout: 60000 });
  assert.equal(await cold.page.evaluate(() => crossOriginIsolated), true);
  assert.equal(await cold.page.evaluate(() => document.documentElement.dataset.build), 'mt');
  assert.deepEqual(problems, [], 'console errors');
});

test('an update whose files changed installs the new files, not the HTTP cache\'s old ones', async (t) => {
  if (skip(t)) return;
  const site = scratchDir('site-');
  fs.cpSync(path.join(ROOT, 'web'), site, { recursive: true });
  t.after(() => fs.rmSync(site, { recursive: true, force: true }));
  const { proxy, context } = await setup(t, ['--root', site]);
  const first = await visit(context, proxy, proxy.url, { keepOpen: true });
  const { page } = first;
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 30000 });
  // publish a new version: app.js changed, its hash and the version with it
  const appFile = path.join(site, 'app.js'), marker = '\n// the next version\n';
  fs.appendFileSync(appFile, marker);
  const hash = crypto.createHash('sha256').update(fs.readFileSync(appFile)).digest('hex').slice(0, 12);
  const assets = path.join(site, 'gen', 'assets.js');
  fs.writeFileSync(assets, fs.readFileSync(assets, 'utf8').replace(/ES_VERSION = '[^']*'/, "ES_VERSION = 'test-next'")
    .replace(/'app\.js': '[0-9a-f]+'/, `'app.js': '${hash}'`));
  proxy.reset();
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
  await page.waitForSelector('#update:not([hidden])', { timeout: 30000 });
  const kept = await page.evaluate(async () => (await (await caches.open('studio-shell-test-next')).match('app.js'))?.text());
  assert.ok(kept?.endsWith(marker), 'the new version kept the old app.js');
  // only what changed came over the network again (and the update check itself)
  const fetched = proxy.log.map((e) => e.path).filter((p) => !isUpdateCheck(p));
  assert.deepEqual(fetched, ['/app.js'], `fetched for the update: ${fetched}`);
});
