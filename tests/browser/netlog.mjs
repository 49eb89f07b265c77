// netlog.mjs - what a visit costs on the network, seen from between the browser and the
// server: a recording proxy in front of tools/serve.mjs logs every request that reaches the
// network, whoever made it (the page, its module worker, the pthread workers, the service
// worker), with the bytes that crossed the wire (status line, headers and the body as sent,
// compressed or not) and the bytes they decode to. What the HTTP cache or the service worker
// answers never reaches it. Shared by tests/browser/first-visit.test.mjs and the page
// benchmark (bench-page.mjs).
import http from 'node:http';
import zlib from 'node:zlib';

/** A recording proxy in front of the server at `url`: {url, log, reset(), idle(), stop()}.
 *  log: [{path, status, encoding, wire, body, decoded, start, end}] (path with its query). */
export function recordingProxy(url) {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true });
  let log = [], open = 0, last = Date.now();
  const proxy = http.createServer((req, res) => {
    const entry = { path: req.url, method: req.method, start: Date.now() };
    open++; last = entry.start;
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => {
        const body = Buffer.concat(chunks), enc = r.headers['content-encoding'];
        let decoded = body.length;
        try {
          if (enc === 'br') decoded = zlib.brotliDecompressSync(body).length;
          else if (enc === 'gzip') decoded = zlib.gunzipSync(body).length;
        } catch { decoded = -1; }
        // the response as it crossed the wire: status line, headers, blank line, body
        let head = `HTTP/1.1 ${r.statusCode} ${r.statusMessage}\r\n`;
        for (let i = 0; i < r.rawHeaders.length; i += 2) head += `${r.rawHeaders[i]}: ${r.rawHeaders[i + 1]}\r\n`;
        Object.assign(entry, { status: r.statusCode, encoding: enc || '', body: body.length, wire: Buffer.byteLength(head) + 2 + body.length, decoded, end: Date.now() });
        log.push(entry);
        open--; last = Date.now();
        res.writeHead(r.statusCode, r.headers);
        res.end(body);
      });
    });
    up.on('error', () => { open--; res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve({
    url: `http://localhost:${proxy.address().port}/`,
    get log() { return log; },
    reset() { log = []; last = Date.now(); },
    /** Resolves once no request has been open for `quiet` ms (at most `max` ms). */
    async idle(quiet = 1500, max = 30000) {
      const t0 = Date.now();
      while (Date.now() - t0 < max && (open > 0 || Date.now() - last < quiet)) await new Promise((r) => setTimeout(r, 100));
    },
    stop() { proxy.closeAllConnections?.(); proxy.close(); agent.destroy(); },
  })));
}

// Records, on the page, when the engine said Ready (html[data-build] set): epoch ms.
const READY_PROBE = () => {
  new MutationObserver((_, o) => {
    if (document.documentElement?.dataset.build) { window.__esReadyAt = performance.timeOrigin + performance.now(); o.disconnect(); }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-build'] });
};

/** Summary of a list of log entries. */
export function summarise(entries) {
  const count = new Map(), full = new Map();
  for (const e of entries) {
    count.set(e.path, (count.get(e.path) || 0) + 1);
    if (e.status === 200) full.set(e.path, (full.get(e.path) || 0) + 1);
  }
  return {
    requests: entries.length,
    wire: entries.reduce((a, e) => a + e.wire, 0),
    decoded: entries.reduce((a, e) => a + Math.max(0, e.decoded), 0),
    // [path, times] fetched more than once (a 304 revalidation counts), and answered in full (200) more than once
    duplicates: [...count].filter(([, n]) => n > 1),
    downloadedTwice: [...full].filter(([, n]) => n > 1),
  };
}

// The service worker's update check (its script and what it imports) and the list of
// models the site offers are asked of the network on every visit by design; the rest is the app.
export const isUpdateCheck = (p) => /^\/(sw\.js|gen\/assets\.js)(\?|$)/.test(p);
export const isModelList = (p) => p.startsWith('/models/');

/** One visit of `url` in `context` (a fresh page): waits for Ready, for the service worker
 *  to be active (cold visits install it) and for the network to go quiet. Returns
 *  {page, ready (ms from navigation start), all, untilReady (summaries), log}. */
const probed = new WeakSet();
export async function visit(context, proxy, url, { keepOpen = false } = {}) {
  if (!probed.has(context)) { probed.add(context); await context.addInitScript(READY_PROBE); }
  proxy.reset();
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.__esReadyAt, null, { timeout: 120000 });
  const { readyAt, origin } = await page.evaluate(() => ({ readyAt: window.__esReadyAt, origin: performance.timeOrigin }));
  await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    while (reg.installing || reg.waiting || reg.active?.state !== 'activated') await new Promise((r) => setTimeout(r, 100));
  });
  await proxy.idle();
  const log = [...proxy.log];
  const result = {
    page, ready: readyAt - origin, log,
    all: summarise(log),
    untilReady: summarise(log.filter((e) => e.start <= readyAt)),
    app: summarise(log.filter((e) => !isUpdateCheck(e.path) && !isModelList(e.path))),
  };
  if (!keepOpen) await page.close();
  return result;
}
