// consumers.test.mjs - the npm package as its users meet it: the tarball tools/pack.mjs
// writes, installed with npm into four consumer apps that use no bundler configuration,
//   (a) a Vite app (`vite build`, no vite.config),
//   (b) a webpack 5 app (the `webpack` CLI, no webpack.config: src/index.js -> dist/main.js),
//   (c) a plain page with an import map onto node_modules/enhancement-studio/studio.js,
//   (d) a Node script (`node main.mjs`, importing 'enhancement-studio'),
// each enhancing a dark photo and colouring a grey one from two colour hints (no model), the
// results equal within 1 level to the native CLI's on the same photos; the browser ones
// served by tools/serve.mjs (COOP/COEP: the threaded build) in Debian's Chromium, with no
// .wasm fetched before createStudio() is called; and (e) a TypeScript consumer using every
// call (and a Node one without the DOM's types), checked by `tsc --strict --noEmit` against
// the installed package's studio.d.ts, whose exports and Studio members must be studio.js's.
//
// Built apps are cached per tarball (harness.mjs): a second run serves and drives them only.
// ES_PACKAGE_TGZ=FILE tests that tarball instead of packing web/ anew.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ROOT, NATIVE_CLI, ensureToolchain, pack, cacheFor, consumer, typecheck, run, tail, sizes, sizeTable, maxDiff,
} from './harness.mjs';
import { photoFile } from '../node/photos.mjs';

const W = 768, H = 512; // photos.mjs's default size
// Two muted colours: saturated hints that leave the gamut end up to 8 levels apart between
// the native and the WASM core (the gamut fitting; a core matter, not the package's), so the
// hints stay in gamut and the 1-level check below is about the package.
const HINTS = {
  width: W, height: H,
  points: [{ x: 120, y: 60, r: 4, rgb: [120, 140, 170] }, { x: 400, y: 440, r: 4, rgb: [120, 140, 100] }],
};
const NAMES = ['vite', 'webpack', 'importmap', 'node', 'ts'];
const TIMEOUT = 15 * 60 * 1000; // a cold run installs the toolchain and builds every app
const GO_TIMEOUT = 30000; // createStudio, enhance and colorize take a few seconds

const t0 = Date.now();
const timings = [];
const time = (what, ms) => timings.push(`${what} ${(ms / 1000).toFixed(1)} s`);
let env; // {tgz, cache, inputs: {dark, grey, hints}, native: {enhanced, colorized}, builds: {name: Promise}}
let browserLib, browser;

before(async () => {
  let t = Date.now();
  const { installed } = ensureToolchain();
  time(`toolchain${installed.length ? ` (npm ci in ${installed.join(', ')})` : ''}`, Date.now() - t);
  if (!fs.existsSync(NATIVE_CLI)) throw new Error(`${NATIVE_CLI} is missing: run tools/studio build`);
  t = Date.now();
  const { tgz } = await pack();
  const cache = cacheFor(tgz);
  time(`pack (${path.basename(tgz)}, key ${cache.key})`, Date.now() - t);

  // Every consumer installs and builds at once (two cores: the bundlers overlap with npm).
  const builds = {};
  for (const name of NAMES) {
    builds[name] = consumer(name, tgz, cache).then((r) => { if (!r.cached) time(`build ${name}`, r.ms); return r; });
    builds[name].catch(() => {}); // its own test reports it
  }

  // The photos and the native CLI's answers on them, remade every run (well under a second).
  t = Date.now();
  const inputs = path.join(cache.dir, 'inputs');
  fs.mkdirSync(inputs, { recursive: true });
  const dark = path.join(inputs, 'dark.png'), grey = path.join(inputs, 'grey.png'), hints = path.join(inputs, 'hints.json');
  fs.copyFileSync(await photoFile('dark.png', { kind: 'dark' }), dark);
  fs.copyFileSync(await photoFile('grey.png', { kind: 'grey' }), grey);
  fs.writeFileSync(hints, `${JSON.stringify(HINTS)}\n`);
  const native = { enhanced: path.join(inputs, 'native-enhanced.png'), colorized: path.join(inputs, 'native-colorized.png') };
  for (const args of [['enhance', dark, native.enhanced], ['colorize', grey, native.colorized, '--hints', hints]]) {
    const out = args[2];
    const r = await run(NATIVE_CLI, args);
    if (r.code || !fs.existsSync(out)) throw new Error(`studio-cli ${args.join(' ')} failed:\n${tail(r)}`);
  }
  time('photos and native references', Date.now() - t);
  env = { tgz, cache, inputs: { dark, grey, hints }, native, builds, results: path.join(cache.dir, 'results') };
  fs.mkdirSync(env.results, { recursive: true });
});

after(async () => {
  await browser?.close();
  time('whole file', Date.now() - t0);
  console.log(`# package consumers, timings: ${timings.join('; ')}`);
});

/** A diagnostic of several lines (TAP escapes a newline inside one). */
const lines = (t, text) => { for (const line of text.split('\n')) t.diagnostic(line); };

// A bundler's size hints (a .wasm of 500 KB is what it is) and summary lines; every other
// warning counts.
const SIZE_HINT = /asset size limit|entrypoint size limit|webpack performance recommendations|chunks are larger than|^\d+ warnings? (has|have) detailed information|^webpack [\d.]+ compiled/i;

/** The consumer's build, or the test fails with the bundler's own words; its warnings (the
 *  bundler's blocks of text, size hints left out) shown and kept for assertQuiet. */
async function built(t, name) {
  const r = await env.builds[name];
  const blocks = r.log.split(/\n\s*\n/).filter((b) => /^(WARNING|ERROR) in |\(!\)|\bwarn(ing)?\b/im.test(b) && !SIZE_HINT.test(b));
  r.warnings = blocks.map((b) => b.trim());
  if (r.warnings.length) lines(t, `${name} build warnings:\n${r.warnings.join('\n\n')}`);
  return r;
}

/** A consumer's build must be quiet: a warning from the package is what its users see. */
const assertQuiet = (name, r) => assert.deepEqual(r.warnings, [], `${name}: the build warned`);

/** Compare a consumer's two PNGs with the native CLI's, within 1 level per channel. */
function compare(name, enhanced, colorized) {
  const failures = [];
  for (const [what, bytes] of [['enhanced', enhanced], ['colorized', colorized]]) {
    const file = path.join(env.results, `${name}-${what}.png`);
    fs.writeFileSync(file, bytes);
    const d = maxDiff(bytes, fs.readFileSync(env.native[what]));
    if (!(d.max <= 1)) failures.push(`${what}: differs from the native CLI's by up to ${d.max} levels (${d.over ?? '?'} samples over 1; ${d.what}; ${file})`);
  }
  assert.deepEqual(failures, [], `${name}: results against build/native/studio-cli`);
}

async function startBrowser() {
  browserLib ??= await import('../browser/browser.mjs');
  browser ??= await browserLib.launch();
  return browser;
}

const fileSizes = (root, pathnames) => sizes(root, (rel) => pathnames.has(rel));

/** Serve `root`, open its page, check that nothing fetched a .wasm before __go(), run it,
 *  compare the results and report what the page fetched. */
async function drive(t, name, root) {
  const { serve, openPage } = browserLib ?? (browserLib = await import('../browser/browser.mjs'));
  const server = await serve(['--root', root]);
  const b = await startBrowser();
  const { context, page, requests, problems, check } = await openPage(b, server.url, { ready: false });
  const failed = [], logged = [];
  context.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  context.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.url()}: HTTP ${r.status()}`); });
  page.on('console', (m) => logged.push(`${m.type()}: ${m.text()}`));
  let goAt = Infinity;
  const said = () => [requests.length > goAt && `requests after __go():\n${requests.slice(goAt).map((u) => u.slice(0, 160)).join('\n')}`, problems.length && `page errors:\n${problems.join('\n')}`, failed.length && `failed requests:\n${failed.join('\n')}`,
    logged.length && `console:\n${logged.slice(-20).join('\n')}`].filter(Boolean).map((x) => `\n${x}`).join('');
  try {
    await page.waitForFunction(() => typeof window.__go === 'function', null, { timeout: 30000 })
      .catch((e) => { throw new Error(`${name}: the app never defined window.__go (${e.message.split('\n')[0]})${said()}`); });
    await page.waitForLoadState('networkidle');
    const early = requests.filter((u) => /\.wasm(\?|$)/.test(u));
    assert.deepEqual(early, [], `${name}: .wasm fetched on import, before createStudio()`);
    const loadedBefore = goAt = requests.length;
    const args = {
      dark: fs.readFileSync(env.inputs.dark).toString('base64'), grey: fs.readFileSync(env.inputs.grey).toString('base64'), hints: HINTS,
    };
    const t1 = Date.now();
    let timer;
    const res = await Promise.race([
      page.evaluate((a) => window.__go(a), args),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`window.__go() did not answer in ${GO_TIMEOUT / 1000} s`)), GO_TIMEOUT); }),
    ]).catch((e) => { throw new Error(`${name}: ${e.message.split('\n')[0]}${said()}`); }).finally(() => clearTimeout(timer));
    t.diagnostic(`${name}: build ${res.build}, ${res.threads} threads, crossOriginIsolated ${res.isolated}, createStudio + enhance + colorize + 2 encodes ${Date.now() - t1} ms`);
    assert.equal(res.isolated, true, `${name}: the page is not cross-origin isolated`);
    assert.equal(res.build, 'mt', `${name}: the threaded build should run on an isolated page`);
    compare(name, Buffer.from(res.enhanced, 'base64'), Buffer.from(res.colorized, 'base64'));
    try {
      check(); // no request left the origin, no console error
    } catch (e) {
      e.message += said();
      throw e;
    }
    const paths = new Set(requests.map((u) => new URL(u)).filter((u) => u.origin === new URL(server.url).origin)
      .map((u) => decodeURIComponent(u.pathname).replace(/^\//, '').replace(/(^|\/)$/, '$1index.html')));
    const wasm = [...paths].filter((p) => p.endsWith('.wasm'));
    t.diagnostic(`${name}: ${loadedBefore} requests before __go, ${requests.length} in all; .wasm fetched after: ${wasm.join(', ') || 'none'}`);
    // the recorder sees the worker's fetches too, so "none before" above means something
    assert.equal(wasm.length, 1, `${name}: one WASM build fetched once createStudio() ran, not ${wasm.length}`);
    lines(t, `${name}: what the page fetched (gzip -9 per file):\n${sizeTable(fileSizes(root, paths))}`);
  } finally {
    server.stop();
    await context.close();
  }
}

for (const [label, name, how] of [['(a)', 'vite', 'a Vite app: vite build with no config'], ['(b)', 'webpack', 'a webpack 5 app: the webpack CLI with no config']]) {
  test(`${label} ${how}, served isolated, threaded, results as the native CLI`, { timeout: TIMEOUT }, async (t) => {
    const r = await built(t, name);
    const dist = path.join(r.dir, 'dist');
    lines(t, `${name}: dist/ (gzip -9 per file):\n${sizeTable(sizes(dist))}`);
    await drive(t, name, dist);
    assertQuiet(name, r);
  });
}

test('(c) a plain page with an import map, no bundler: served isolated, threaded, results as the native CLI', { timeout: TIMEOUT }, async (t) => {
  const { dir } = await built(t, 'importmap');
  lines(t, `importmap: the installed package (gzip -9 per file):\n${sizeTable(sizes(path.join(dir, 'node_modules/enhancement-studio')))}`);
  await drive(t, 'importmap', dir);
});

test('(d) a Node 20 script importing enhancement-studio: results as the native CLI', { timeout: TIMEOUT }, async (t) => {
  const { dir } = await built(t, 'node');
  const out = { enhanced: path.join(env.results, 'node-out-enhanced.png'), colorized: path.join(env.results, 'node-out-colorized.png') };
  const t1 = Date.now();
  const r = await run(process.execPath, ['main.mjs', env.inputs.dark, env.inputs.grey, env.inputs.hints, out.enhanced, out.colorized], { cwd: dir, timeout: 180000 });
  assert.equal(r.code, 0, `node main.mjs failed (exit ${r.code}):\n${tail(r)}`);
  const facts = JSON.parse(r.stdout.trim().split('\n').pop());
  t.diagnostic(`node: build ${facts.build}, ${facts.threads} threads, the whole script ${Date.now() - t1} ms`);
  assert.equal(facts.build, 'mt', 'Node has shared memory: the threaded build');
  compare('node', fs.readFileSync(out.enhanced), fs.readFileSync(out.colorized));
});

// The value exports and the Studio members studio.d.ts declares (its shapes are left to tsc).
function declared(dts) {
  const values = [...dts.matchAll(/^export (?:declare )?(?:function|const|let|var|class) (\w+)/gm)].map((m) => m[1]);
  const body = /^export interface Studio \{\n([\s\S]*?)^\}/m.exec(dts)?.[1] ?? '';
  const members = [...body.matchAll(/^ {2}(?:readonly )?(\w+)\s*[(:<]/gm)].map((m) => m[1]);
  return { values: [...new Set(values)].sort(), members: [...new Set(members)].sort() };
}

test('(e) TypeScript: a consumer using every call passes tsc --strict against the installed package; the d.ts declares what studio.js exports', { timeout: TIMEOUT }, async (t) => {
  const { dir } = await built(t, 'ts');
  const pkgDir = path.join(dir, 'node_modules/enhancement-studio');
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  assert.equal(pkg.types && path.normalize(pkg.types), 'studio.d.ts', 'package.json "types"');
  const dts = fs.readFileSync(path.join(pkgDir, 'studio.d.ts'), 'utf8');

  const problems = [];
  const t1 = Date.now();
  const checks = await typecheck(dir);
  for (const [what, r] of Object.entries(checks)) if (r.code) problems.push(`tsc --strict (${what}) exit ${r.code}:\n${`${r.stdout}${r.stderr}`.trim()}`);
  t.diagnostic(`tsc: ${Object.keys(checks).length} checks in ${Date.now() - t1} ms`);

  // The runtime side, as a consumer imports it (this fetches and starts nothing) and one studio's methods.
  const api = await import(pathToFileURL(path.join(pkgDir, 'studio.js')).href);
  const want = declared(dts);
  const exported = Object.keys(api).sort();
  if (JSON.stringify(exported) !== JSON.stringify(want.values))
    problems.push(`exports: studio.js has [${exported}], studio.d.ts declares [${want.values}]`);
  const studio = await api.createStudio({ threads: 1 });
  try {
    const missing = want.members.filter((m) => !(m in studio));
    if (missing.length) problems.push(`Studio: studio.d.ts declares ${missing.join(', ')}, which a studio does not have`);
    const methods = new Set();
    for (let o = Object.getPrototypeOf(studio); o && o !== Object.prototype; o = Object.getPrototypeOf(o))
      for (const n of Object.getOwnPropertyNames(o)) if (n !== 'constructor' && typeof studio[n] === 'function') methods.add(n);
    const undeclared = [...methods].filter((m) => !want.members.includes(m)).sort();
    if (undeclared.length) t.diagnostic(`Studio methods studio.d.ts leaves out (internal?): ${undeclared.join(', ')}`);
  } finally {
    await studio.terminate();
  }
  assert.deepEqual(problems, [], 'studio.d.ts against the API');
});
