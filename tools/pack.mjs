// pack.mjs - `tools/studio pack`: the JS API as an npm package, build/pkg/enhancement-studio-VERSION.tgz.
//   node tools/pack.mjs [--out build/pkg]
// The package folder is assembled from the files the page itself serves (web/: the API's
// modules and web/gen/: the two WASM builds with their glue and the threaded build's worker
// script), so there is one JS API; nothing is copied into the source tree. The version is
// web/package.json's, the one place it is written. Prints the tarball's size and what is in it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WEB = path.join(ROOT, 'web');
const args = process.argv.slice(2);
const OUT = path.resolve(args.includes('--out') ? args[args.indexOf('--out') + 1] : path.join(process.env.ES_BUILD || path.join(ROOT, 'build'), 'pkg'));
const NAME = 'enhancement-studio';

// What a consumer imports, and what it loads at run time (never on import: see README).
const MODULES = ['studio.js', 'studio.d.ts', 'studio-worker.js', 'core.js', 'shared.js', 'session.js', 'formats.js', 'zip.js', 'builds.js'];
const BUILD_FILES = ['studio-st.mjs', 'studio-st.wasm', 'studio-mt.mjs', 'studio-mt.wasm', 'studio-mt.worker.js', 'build.mjs', 'package.json'];
const DOCS = { 'npm-readme.md': 'README.md', 'CHANGELOG.md': 'CHANGELOG.md' };
// The third-party code compiled into the .wasm files: their licences travel with them.
const NOTICES = ['xnnpack', 'pthreadpool', 'cpuinfo', 'fxdiv', 'libdeflate', 'cjson'];

function fail(msg) { console.error(`pack: ${msg}`); process.exit(1); }

function manifest(version) {
  return {
    name: NAME,
    version,
    description: 'Colorize black-and-white photos, rescue dark ones and restore faded colour prints on the user\'s device: the Enhancement Studio core in WebAssembly, for browsers (any bundler or none) and Node.',
    keywords: ['photo', 'colorization', 'low-light', 'enhance', 'faded', 'colour-restoration', 'webassembly', 'wasm', 'image', 'restoration'],
    license: 'SEE LICENSE IN README.md',
    type: 'module',
    sideEffects: false,
    // One module serves every platform (it finds Node's built-ins at run time, so a bundler
    // meets no node: import); the conditions name it for each resolver all the same.
    exports: {
      '.': { types: './studio.d.ts', browser: './studio.js', node: './studio.js', default: './studio.js' },
      './package.json': './package.json',
    },
    main: './studio.js',
    types: './studio.d.ts',
    engines: { node: '>=20.16' },
    files: [...MODULES, ...BUILD_FILES.map((f) => `gen/${f}`), 'THIRD-PARTY-NOTICES.txt', 'CHANGELOG.md'],
  };
}

function notices() {
  const tarballs = path.join(process.env.ES_CACHE || path.join(process.env.HOME || '/root', '.cache', 'enhancement-studio'), 'tarballs');
  const parts = ['Enhancement Studio\'s WebAssembly builds contain the following third-party code.\n'];
  for (const lib of NOTICES) {
    const tar = fs.existsSync(tarballs) && fs.readdirSync(tarballs).find((f) => f.toLowerCase().startsWith(`${lib}_`));
    if (!tar) fail(`no ${lib} source tarball in ${tarballs} (tools/studio build fetches them)`);
    const list = execFileSync('tar', ['-tf', path.join(tarballs, tar)], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n');
    const licence = list.find((f) => /^([^/]+\/)?(LICENSE|COPYING)(\.(txt|md))?$/i.test(f));
    if (!licence) fail(`no LICENSE file at the top of ${tar}`);
    const text = execFileSync('tar', ['-xOf', path.join(tarballs, tar), licence], { encoding: 'utf8' });
    parts.push(`${'='.repeat(78)}\n${tar.replace(/\.orig\.tar\.\w+$/, '')} (${licence.split('/').pop()})\n${'='.repeat(78)}\n${text.trim()}\n`);
  }
  const stb = '/usr/share/doc/libstb-dev/copyright';
  if (fs.existsSync(stb)) parts.push(`${'='.repeat(78)}\nstb (stb_image, stb_image_write; Debian's libstb-dev)\n${'='.repeat(78)}\n${fs.readFileSync(stb, 'utf8').trim()}\n`);
  return parts.join('\n');
}

const version = JSON.parse(fs.readFileSync(path.join(WEB, 'package.json'), 'utf8')).version;
if (!/^\d+\.\d+\.\d+/.test(version || '')) fail('web/package.json has no version');
for (const f of BUILD_FILES) if (!fs.existsSync(path.join(WEB, 'gen', f))) fail(`web/gen/${f} is missing: run tools/studio build`);

const dir = path.join(OUT, NAME);
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(path.join(dir, 'gen'), { recursive: true });
for (const f of MODULES) fs.copyFileSync(path.join(WEB, f), path.join(dir, f));
for (const f of BUILD_FILES) fs.copyFileSync(path.join(WEB, 'gen', f), path.join(dir, 'gen', f));
for (const [from, to] of Object.entries(DOCS)) fs.copyFileSync(path.join(WEB, from), path.join(dir, to));
fs.writeFileSync(path.join(dir, 'THIRD-PARTY-NOTICES.txt'), notices());
fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest(version), null, 2)}\n`);

const report = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', OUT], { cwd: dir, encoding: 'utf8' }))[0];
const tgz = path.join(OUT, report.filename);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`${path.relative(ROOT, tgz)}: ${kb(fs.statSync(tgz).size)} packed (gzip), ${kb(report.unpackedSize)} unpacked, ${report.entryCount} files`);
for (const f of report.files.sort((a, b) => b.size - a.size)) {
  const gz = zlib.gzipSync(fs.readFileSync(path.join(dir, f.path)), { level: 9 }).length;
  console.log(`  ${f.path.padEnd(28)} ${kb(f.size).padStart(10)}  ${kb(gz).padStart(9)} gzip`);
}
console.log(tgz);
