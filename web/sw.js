// sw.js - the service worker: the app offline, and cross-origin isolation on any host.
// - Precaches the app shell and both WASM builds (gen/assets.js, written by the build, lists
//   them with a content hash as the version); a new version waits until the page says so
//   (the "update available" banner), then replaces the old cache.
// - Keeps a colorization model fetched from the site (models/*.bin) for offline use.
// - Adds COOP/COEP to what it serves, so static hosts that cannot set headers (GitHub Pages
//   style) still get crossOriginIsolated pages and the threaded build from the second load.
/* global ES_VERSION, ES_ASSETS */
importScripts('gen/assets.js');

const SHELL = `studio-shell-${ES_VERSION}`;
const MODELS = 'studio-models';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((c) => c.addAll(ES_ASSETS.map((a) => new Request(a, { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key.startsWith('studio-shell-') && key !== SHELL) await caches.delete(key);
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
  if (event.data === 'version') event.source?.postMessage({ version: ES_VERSION });
});

function isolated(res) {
  if (!res || res.type === 'opaque' || res.status === 0) return res;
  const headers = new Headers(res.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

async function shell(request) {
  const cache = await caches.open(SHELL);
  const hit = await cache.match(request, { ignoreSearch: true }) ||
    (request.mode === 'navigate' ? await cache.match('./') : undefined);
  return hit || fetch(request);
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
  const path = url.pathname.slice(new URL(self.registration.scope).pathname.length);
  let answer;
  if (/^models\/eccv16-(f32|f16|int8)\.bin$/.test(path)) answer = model(request);
  else if (path === 'models/index.json') answer = fresh(request);
  else answer = shell(request);
  event.respondWith(answer.then(isolated));
});
