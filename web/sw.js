// sw.js - the service worker: the app offline, and cross-origin isolation on any host.
// - Keeps the app shell and the WASM build this browser runs (gen/assets.js, written by the
//   build, lists the files with their content hashes and a version); the other build is
//   kept when it is first asked for, or when the page says it runs it. A new version waits
//   until the page says so (the "update available" banner), then replaces the old cache.
// - Takes the files from the HTTP cache where it can: the page registers this worker once it
//   has loaded (ui/pwa.js), so on a first visit the install costs no second download of
//   anything. Whatever it takes is checked against the listed hash; a stale or missing entry
//   is fetched again from the network (after an update, say).
// - Keeps a colorization model fetched from the site (models/*.bin) for offline use.
// - Adds COOP/COEP to what it serves, so static hosts that cannot set headers (GitHub Pages
//   style) still get crossOriginIsolated pages and the threaded build from the second load.
/* global ES_VERSION, ES_ASSETS */
importScripts('gen/assets.js');

const SHELL = `studio-shell-${ES_VERSION}`;
const MODELS = 'studio-models';

// Which WASM build a file belongs to ('st' | 'mt'), if any.
const buildOf = (path) => /^gen\/studio-(st|mt)\./.exec(path)?.[1];
// The build pages here will run: the threaded one wherever there is more than one core,
// since this worker makes every page it serves cross-origin isolated (studio.js pickBuild),
// unless this worker is isolated itself and still has no shared memory (a browser without
// it: WebKitGTK). The page says which it really runs, and that one is kept too.
const LIKELY = (self.navigator?.hardwareConcurrency || 1) > 1 &&
  (!self.crossOriginIsolated || typeof SharedArrayBuffer === 'function') ? 'mt' : 'st';

// The URL the page asks for: core.js puts a WASM build file's hash in its URL (gen/build.mjs).
const urlOf = (path) => (buildOf(path) ? `${path}?v=${ES_ASSETS[path]}` : path);

async function hashOf(res) {
  const digest = await crypto.subtle.digest('SHA-256', await res.arrayBuffer());
  return [...new Uint8Array(digest, 0, 6)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// Keep `path` in `cache`: what the HTTP cache holds (the page's own load of it, unchecked for
// freshness), if its hash is the listed one; else the network's.
async function keep(cache, path) {
  let res = await fetch(urlOf(path), { cache: 'force-cache' }).catch(() => null);
  if (!res?.ok || await hashOf(res.clone()) !== ES_ASSETS[path]) res = await fetch(urlOf(path), { cache: 'reload' });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  await cache.put(path, res);
}

async function keepAll(paths) {
  const cache = await caches.open(SHELL);
  const have = new Set((await cache.keys()).map((r) => new URL(r.url).pathname));
  const scope = new URL(self.registration.scope).pathname;
  await Promise.all(paths.filter((p) => !have.has(scope + (p === './' ? '' : p))).map((p) => keep(cache, p)));
}

self.addEventListener('install', (event) => {
  event.waitUntil(keepAll(Object.keys(ES_ASSETS).filter((p) => !buildOf(p) || buildOf(p) === LIKELY)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key.startsWith('studio-shell-') && key !== SHELL) await caches.delete(key);
  })());
  // Claimed outside waitUntil: Firefox's claim waits on every worker client, and a WASM
  // thread blocked in Atomics.wait never answers, so awaiting it left this worker
  // "activating" for good (every navigation, reload and worker script fetch of the tab hung).
  self.clients.claim().catch(() => {});
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
  if (event.data === 'version') event.source?.postMessage({ version: ES_VERSION });
  // the page runs this build ('st' | 'mt'): keep it too (it is in the HTTP cache by now)
  if (event.data?.build === 'st' || event.data?.build === 'mt') {
    event.waitUntil(keepAll(Object.keys(ES_ASSETS).filter((p) => buildOf(p) === event.data.build)).catch(() => {}));
  }
});

function isolated(res) {
  if (!res || res.type === 'opaque' || res.status === 0) return res;
  const headers = new Headers(res.headers);
  // the body here is decoded already: the server's encoding and length no longer describe it
  headers.delete('Content-Encoding');
  headers.delete('Content-Length');
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

async function shell(request, path) {
  const cache = await caches.open(SHELL);
  const hit = await cache.match(request, { ignoreSearch: true, ignoreVary: true }) ||
    (request.mode === 'navigate' ? await cache.match('./') : undefined);
  if (hit) return hit;
  const res = await fetch(request);
  // a listed file not kept yet (the other WASM build, say): kept now, for offline use
  if (res.ok && path in ES_ASSETS && !request.headers.has('range')) await cache.put(path, res.clone()).catch(() => {});
  return res;
}

async function model(request) {
  const cache = await caches.open(MODELS);
  const hit = await cache.match(request);
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok) await cache.put(request, res.clone());
  return res;
}

async function fresh(request) { // the list of offered models: the network's when online
  try {
    const res = await fetch(request);
    if (res.ok) (await caches.open(MODELS)).put(request, res.clone());
    return res;
  } catch {
    return (await caches.match(request)) || new Response('{"models":[]}', { headers: { 'Content-Type': 'application/json' } });
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  const path = url.pathname.slice(new URL(self.registration.scope).pathname.length) || './';
  let answer;
  if (/^models\/eccv16-(f32|f16|int8)\.bin$/.test(path)) answer = model(request);
  else if (path === 'models/index.json') answer = fresh(request);
  else answer = shell(request, path);
  event.respondWith(answer.then(isolated));
});
