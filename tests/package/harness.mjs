// harness.mjs - what consumers.test.mjs needs around the consumer apps: the pinned toolchain
// (vite, webpack, webpack-cli, typescript: npm ci into tests/package/node_modules from the
// lockfile, only when missing or stale), the packed tarball (tools/pack.mjs) and the cache of
// each consumer's installed and built app under build/pkg/consumers/KEY/NAME, KEY being the
// tarball's sha256 and the harness's own (the apps/ sources, this file, the lockfile), so a
// second run only serves and drives what was built. Also a small PNG reader (the results are
// compared pixel by pixel) and the gzip sizes of what a consumer ships.
import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '../..');
export const BUILD = path.resolve(process.env.ES_BUILD || path.join(ROOT, 'build'));
export const NATIVE_CLI = path.join(BUILD, 'native', 'studio-cli');
export const APPS = path.join(HERE, 'apps');
const BIN = {
  vite: path.join(HERE, 'node_modules/vite/bin/vite.js'),
  webpack: path.join(HERE, 'node_modules/webpack-cli/bin/cli.js'),
  tsc: path.join(HERE, 'node_modules/typescript/bin/tsc'),
};

const newer = (a, b) => !fs.existsSync(b) || fs.statSync(a).mtimeMs > fs.statSync(b).mtimeMs;

/** npm ci in `dir` when its node_modules lacks `probe` or is older than the lockfile (the
 *  rule tools/lib/test.sh's ensure_browser_tests follows). */
export function ensureNpm(dir, probe) {
  if (fs.existsSync(path.join(dir, 'node_modules', probe)) && !newer(path.join(dir, 'package-lock.json'), path.join(dir, 'node_modules/.package-lock.json'))) return false;
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  return true;
}

/** The toolchain here and playwright-core (tests/browser's, which browser.mjs imports). */
export function ensureToolchain() {
  const here = ensureNpm(HERE, 'vite');
  const browser = ensureNpm(path.join(ROOT, 'tests/browser'), 'playwright-core');
  return { installed: [here && 'tests/package', browser && 'tests/browser'].filter(Boolean) };
}

/** A process's outcome, never thrown: {code, stdout, stderr, ms}. */
export function run(cmd, args, opts = {}) {
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(cmd, args, { maxBuffer: 64 << 20, ...opts, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...opts.env } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout: String(stdout), stderr: String(stderr), ms: Date.now() - t0 }));
  });
}

/** A failed step's text for an error message: the command's last lines of output. */
export function tail(r, lines = 40) {
  const text = `${r.stdout}\n${r.stderr}`.trim().split('\n');
  return text.slice(-lines).join('\n');
}

export const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');

/** The tarball: ES_PACKAGE_TGZ, else `node tools/pack.mjs`'s last line (it repacks from web/). */
export async function pack() {
  if (process.env.ES_PACKAGE_TGZ) return { tgz: path.resolve(process.env.ES_PACKAGE_TGZ), ms: 0, log: '' };
  const r = await run(process.execPath, [path.join(ROOT, 'tools/pack.mjs')], { cwd: ROOT });
  const tgz = r.stdout.trim().split('\n').pop();
  if (r.code || !tgz || !fs.existsSync(tgz)) throw new Error(`node tools/pack.mjs failed (exit ${r.code}):\n${tail(r)}`);
  return { tgz: path.resolve(ROOT, tgz), ms: r.ms, log: r.stdout };
}

/** Everything that shapes a built consumer besides the tarball: the apps' sources, this
 *  harness and the toolchain's lockfile. */
export function harnessHash() {
  const h = crypto.createHash('sha256');
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else h.update(`${path.relative(HERE, p)}\0`).update(fs.readFileSync(p));
    }
  };
  walk(APPS);
  for (const f of ['harness.mjs', 'package-lock.json']) h.update(f).update(fs.readFileSync(path.join(HERE, f)));
  return h.digest('hex');
}

/** The cache folder for this tarball and harness; other keys' folders are removed. */
export function cacheFor(tgz) {
  const key = `${sha256(fs.readFileSync(tgz)).slice(0, 16)}-${harnessHash().slice(0, 8)}`;
  const top = path.join(BUILD, 'pkg', 'consumers');
  fs.mkdirSync(top, { recursive: true });
  for (const old of fs.readdirSync(top)) {
    if (old !== key) fs.rmSync(path.join(top, old), { recursive: true, force: true });
  }
  return { key, dir: path.join(top, key) };
}

function copyApp(name, to) {
  fs.cpSync(path.join(APPS, name), to, { recursive: true });
}

function writeJson(file, value) { fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`); }

/** A consumer's folder with the tarball installed as a consumer does (offline: the package
 *  has no dependencies, so nothing is downloaded). */
async function install(dir, tgz, pkg = {}) {
  writeJson(path.join(dir, 'package.json'), { name: `consumer-${path.basename(dir)}`, private: true, type: 'module', ...pkg });
  const r = await run('npm', ['install', '--no-audit', '--no-fund', '--offline', '--no-package-lock', tgz], { cwd: dir });
  if (r.code) throw new Error(`npm install ${path.basename(tgz)} failed:\n${tail(r)}`);
  return r;
}

// Each consumer's recipe: copy its app, install the package, build. A build's output (its
// warnings included) is kept in build.log beside it; a failure throws with its last lines.
const RECIPES = {
  async vite(dir, tgz) {
    copyApp('vite', dir);
    fs.mkdirSync(path.join(dir, 'src'));
    fs.copyFileSync(path.join(APPS, 'browser.js'), path.join(dir, 'src/main.js'));
    await install(dir, tgz);
    return [await run(process.execPath, [BIN.vite, 'build'], { cwd: dir })];
  },
  async webpack(dir, tgz) {
    copyApp('webpack', dir);
    fs.mkdirSync(path.join(dir, 'src'));
    fs.copyFileSync(path.join(APPS, 'browser.js'), path.join(dir, 'src/index.js'));
    await install(dir, tgz);
    const html = path.join(dir, 'index.html');
    // no webpack.config.js: entry ./src/index.js, output dist/main.js by default
    const r = await run(process.execPath, [BIN.webpack, '--mode', 'production'], { cwd: dir });
    if (!r.code) fs.renameSync(html, path.join(dir, 'dist/index.html'));
    return [r];
  },
  async importmap(dir, tgz) {
    copyApp('importmap', dir);
    fs.copyFileSync(path.join(APPS, 'browser.js'), path.join(dir, 'main.js'));
    await install(dir, tgz);
    return [];
  },
  async node(dir, tgz) {
    copyApp('node', dir);
    await install(dir, tgz);
    return [];
  },
  async ts(dir, tgz) {
    copyApp('ts', dir);
    await install(dir, tgz);
    return [];
  },
};

/** The consumer `name` for this tarball: built now (in a scratch folder, renamed into the
 *  cache once it built) or taken from the cache. {dir, cached, ms, log}. A failed build is
 *  not cached: it is tried again next run, and throws with the tool's own words. */
export async function consumer(name, tgz, cache) {
  const dir = path.join(cache.dir, name);
  if (fs.existsSync(path.join(dir, 'BUILT'))) return { dir, cached: true, ms: 0, log: fs.readFileSync(path.join(dir, 'build.log'), 'utf8') };
  const scratch = `${cache.dir}.tmp-${name}-${process.pid}`;
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  const t0 = Date.now();
  let steps;
  try {
    steps = await RECIPES[name](scratch, tgz);
  } catch (e) {
    throw new Error(`${name}: ${e.message}`);
  }
  const log = steps.map((r) => `${r.stdout}\n${r.stderr}`.trim()).join('\n');
  fs.writeFileSync(path.join(scratch, 'build.log'), `${log}\n`);
  const failed = steps.find((r) => r.code);
  if (failed) throw new Error(`${name} build failed (exit ${failed.code}; ${scratch}):\n${tail(failed)}`);
  fs.writeFileSync(path.join(scratch, 'BUILT'), `${new Date().toISOString()}\n`);
  fs.mkdirSync(cache.dir, { recursive: true });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(scratch, dir);
  return { dir, cached: false, ms: Date.now() - t0, log };
}

/** tsc --strict on the TS consumers: the browser one (lib dom) as a bundler's user and as
 *  Node's resolution sees it, and the Node one (no DOM: @types/node only). The package's d.ts
 *  is checked too (skipLibCheck off). {what: run()} */
export async function typecheck(dir) {
  const common = ['--strict', '--noEmit', '--target', 'es2022', '--skipLibCheck', 'false'];
  const nodenext = ['--module', 'nodenext', '--moduleResolution', 'nodenext'];
  const checks = {
    'consumer.ts, lib dom, moduleResolution bundler': ['--lib', 'es2022,dom', '--types', '', '--module', 'preserve', '--moduleResolution', 'bundler', 'consumer.ts'],
    'consumer.ts, lib dom, moduleResolution nodenext': ['--lib', 'es2022,dom', '--types', '', ...nodenext, 'consumer.ts'],
    'node-consumer.ts, lib es2022 + @types/node (no DOM), moduleResolution nodenext':
      ['--lib', 'es2022', '--typeRoots', path.join(HERE, 'node_modules/@types'), '--types', 'node', ...nodenext, 'node-consumer.ts'],
  };
  const runs = await Promise.all(Object.values(checks).map((flags) => run(process.execPath, [BIN.tsc, ...common, ...flags], { cwd: dir })));
  return Object.fromEntries(Object.keys(checks).map((what, i) => [what, runs[i]]));
}

// ---- sizes ----
const SHIPPED = /\.(m?js|wasm|html)$/;

/** The files a consumer serves (JS, .wasm, HTML) under `dir`: [{file, bytes, gzip}]. */
export function sizes(dir, filter = () => true) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (SHIPPED.test(e.name) && filter(path.relative(dir, p))) {
        const data = fs.readFileSync(p);
        out.push({ file: path.relative(dir, p), bytes: data.length, gzip: zlib.gzipSync(data, { level: 9 }).length });
      }
    }
  };
  walk(dir);
  return out.sort((a, b) => b.bytes - a.bytes);
}

export function sizeTable(list) {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const sum = (f) => list.filter(f).reduce((s, x) => s + x.gzip, 0);
  const lines = list.map((x) => `  ${x.file.padEnd(52)} ${kb(x.bytes).padStart(10)} ${kb(x.gzip).padStart(10)} gzip`);
  lines.push(`  total gzip: JS ${kb(sum((x) => /\.m?js$/.test(x.file)))}, wasm ${kb(sum((x) => x.file.endsWith('.wasm')))}, HTML ${kb(sum((x) => x.file.endsWith('.html')))}`);
  return lines.join('\n');
}

// ---- PNG reading (8-bit, not interlaced: what the core writes) ----
export function readPng(bytes) {
  const b = Buffer.from(bytes);
  if (b.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let at = 8, width, height, depth, type, interlace;
  const idat = [];
  while (at < b.length) {
    const len = b.readUInt32BE(at), kind = b.toString('latin1', at + 4, at + 8), data = b.subarray(at + 8, at + 8 + len);
    if (kind === 'IHDR') { width = data.readUInt32BE(0); height = data.readUInt32BE(4); depth = data[8]; type = data[9]; interlace = data[12]; }
    else if (kind === 'IDAT') idat.push(data);
    else if (kind === 'IEND') break;
    at += 12 + len;
  }
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[type];
  if (depth !== 8 || !channels || interlace) throw new Error(`PNG depth ${depth}, colour type ${type}, interlace ${interlace}: not read here`);
  const raw = zlib.inflateSync(Buffer.concat(idat)), row = width * channels, data = new Uint8Array(row * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (row + 1)], src = raw.subarray(y * (row + 1) + 1, (y + 1) * (row + 1)), cur = data.subarray(y * row, (y + 1) * row);
    const up = y ? data.subarray((y - 1) * row, y * row) : new Uint8Array(row);
    for (let x = 0; x < row; x++) {
      const a = x >= channels ? cur[x - channels] : 0, c = x >= channels ? up[x - channels] : 0, u = up[x];
      let p;
      if (f === 0) p = 0;
      else if (f === 1) p = a;
      else if (f === 2) p = u;
      else if (f === 3) p = (a + u) >> 1;
      else if (f === 4) { const e = a + u - c, pa = Math.abs(e - a), pb = Math.abs(e - u), pc = Math.abs(e - c); p = pa <= pb && pa <= pc ? a : pb <= pc ? u : c; }
      else throw new Error(`PNG filter ${f}`);
      cur[x] = (src[x] + p) & 255;
    }
  }
  return { width, height, channels, data };
}

/** The largest per-channel difference between two PNGs' pixels (Infinity if their shapes differ). */
export function maxDiff(a, b) {
  const x = readPng(a), y = readPng(b);
  if (x.width !== y.width || x.height !== y.height || x.channels !== y.channels) return { max: Infinity, what: `${x.width}x${x.height}x${x.channels} vs ${y.width}x${y.height}x${y.channels}` };
  let max = 0, over = 0;
  for (let i = 0; i < x.data.length; i++) { const d = Math.abs(x.data[i] - y.data[i]); if (d > max) max = d; if (d > 1) over++; }
  return { max, over, what: `${x.width}x${x.height}x${x.channels}` };
}
