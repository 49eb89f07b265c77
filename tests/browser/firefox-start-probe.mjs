// firefox-start-probe.mjs - a diagnostic, not a test: load the page in Firefox ESR N times in a
// row with a CPU hog per core beside it and the driver polling every 100 ms, and record, per
// load, what the threaded engine's start did. A proxy in front of tools/serve.mjs logs every
// request (so: was the .wasm asked for, and each pthread worker's script and glue) and adds
// probes to two scripts: studio-worker.js (self.Worker wrapped before the glue loads: each
// call, how long it took, its error and 'loaded' events) and studio-mt.worker.js (the pthread
// worker: its script ran, 'load' arrived, 'loaded' posted). Probes report to /__diag, stamped
// in the sender.
//   node tests/browser/firefox-start-probe.mjs [--loads N] [--poll MS] [--hogs N] [--no-probes] [--all-logs] [--root DIR]
import os from 'node:os';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { serve, rewritingProxy } from './browser.mjs';
import { launchEngine } from './engines.mjs';

const args = process.argv.slice(2);
const opt = (n, d) => { const i = args.indexOf(n); return i >= 0 ? Number(args[i + 1]) : d; };
const LOADS = opt('--loads', 12), POLL = opt('--poll', 100), HOGS = opt('--hogs', os.cpus().length);
const PROBES = !args.includes('--no-probes');

const REPORT = `const __diag = (who, msg) => { const t = Math.round(performance.timeOrigin + performance.now());
  fetch('/__diag?' + new URLSearchParams({ t, who, msg })).catch(() => {}); };`;
const WORKER_PROBE = `${REPORT}
{ const W = self.Worker; let n = 0;
  self.Worker = function (url, opts) {
    const k = ++n, t0 = performance.now();
    __diag('studio-worker', 'new Worker #' + k + ' called (' + String(url).replace(location.origin, '') + ')');
    let w;
    try { w = new W(url, opts); } catch (e) { __diag('studio-worker', 'new Worker #' + k + ' threw ' + e); throw e; }
    __diag('studio-worker', 'new Worker #' + k + ' returned after ' + (performance.now() - t0).toFixed(1) + ' ms');
    w.addEventListener('error', (e) => __diag('studio-worker', 'worker #' + k + ' error event: ' + e.message + ' ' + e.filename + ':' + e.lineno));
    w.addEventListener('messageerror', () => __diag('studio-worker', 'worker #' + k + ' messageerror'));
    w.addEventListener('message', (e) => { if (e.data && e.data.cmd === 'loaded') __diag('studio-worker', 'worker #' + k + ' loaded'); });
    const post = w.postMessage.bind(w);
    w.postMessage = (m, t) => { if (m && m.cmd === 'load') __diag('studio-worker', '-> worker #' + k + ' load'); return post(m, t); };
    return w;
  };
  self.Worker.prototype = W.prototype;
  self.addEventListener('message', (e) => __diag('studio-worker', 'page says ' + (e.data && e.data.op)));
  __diag('studio-worker', 'script running');
}
`;
const PTHREAD_PROBE = `${REPORT}
{ const id = Math.random().toString(36).slice(2, 6), pm = self.postMessage;
  __diag('pthread ' + id, 'script running');
  self.addEventListener('message', (e) => { if (e.data && e.data.cmd === 'load') __diag('pthread ' + id, 'load arrived'); });
  self.postMessage = function (m) { if (m && m.cmd === 'loaded') __diag('pthread ' + id, 'posting loaded'); return pm.apply(self, arguments); };
}
`;

// Every request logged; the probes prepended to the two scripts; /__diag reports logged.
function proxy(target, log) {
  return rewritingProxy(target, {
    onRequest(url) {
      if (url.pathname === '/__diag') {
        const p = url.searchParams;
        log.push({ t: Number(p.get('t')), arrived: Date.now(), what: `${p.get('who')}: ${p.get('msg')}` });
        return true;
      }
      log.push({ t: Date.now(), what: `request ${url.pathname}${url.search ? '?…' : ''}` });
      return false;
    },
    prepend: (pathname) => (!PROBES ? null : pathname === '/studio-worker.js' ? WORKER_PROBE : pathname === '/gen/studio-mt.worker.js' ? PTHREAD_PROBE : null),
  });
}

const root = args.indexOf('--root');
const server = await serve(root >= 0 ? ['--root', args[root + 1]] : []);
const hogs = [];
let engine;
try {
  for (let i = 0; i < HOGS; i++) hogs.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  engine = await launchEngine('firefox');
  const results = [];
  for (let i = 0; i < LOADS; i++) {
    const log = [];
    const px = await proxy(server.url, log);
    const t0 = Date.now();
    const page = await engine.open(px.url);
    let got = null;
    while (Date.now() - t0 < 30000) {
      got = await page.evaluate(() => document.documentElement.dataset.build && document.querySelector('#engine').textContent).catch(() => null);
      if (got) break;
      await sleep(POLL);
    }
    const ms = Date.now() - t0, ok = !!got && /threads/.test(got);
    results.push({ ms, ok });
    console.log(`load ${i + 1}: ${ok ? 'threaded' : 'NOT threaded'} after ${ms} ms: ${got}`);
    const tries = log.filter((e) => /new Worker #1 called/.test(e.what)).length; // more than one: the studio started a new worker
    if (tries > 1) console.log(`  (the threaded start was tried ${tries} times)`);
    if (!ok || tries > 1 || args.includes('--all-logs')) {
      for (const e of log.sort((a, b) => a.t - b.t)) console.log(`  +${String(e.t - t0).padStart(6)} ms  ${e.what}${e.arrived && e.arrived - e.t > 500 ? ` (arrived +${e.arrived - t0})` : ''}`);
    }
    await page.close();
    px.stop();
  }
  const bad = results.filter((r) => !r.ok).length;
  console.log(`${LOADS - bad} of ${LOADS} threaded; times ${results.map((r) => r.ms).join(' ')} ms`);
} finally {
  for (const h of hogs) h.kill();
  await engine?.close();
  server.stop();
}
