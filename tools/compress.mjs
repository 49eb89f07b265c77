// compress.mjs - precompressed copies of the site's text and WASM files, for servers that
// send them as they are (tools/serve.mjs; nginx gzip_static / brotli_static, Caddy's
// precompressed): FILE.br (brotli, quality 11) and FILE.gz (gzip -9) beside each FILE under
// the given folders. A copy is (re)written only when FILE changed: each copy takes FILE's
// mtime, which is also how serve.mjs knows it is current. Copies whose FILE is gone are
// removed. Node's own zlib, no dependency.
//   node tools/compress.mjs DIR...      (tools/studio build: web/)
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.webmanifest', '.wasm', '.svg', '.txt']);
const SKIP_DIRS = new Set(['node_modules', '.git']);

function* walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (!SKIP_DIRS.has(e.name)) yield* walk(p); } else if (e.isFile()) yield p;
  }
}

const sameTime = (a, b) => Math.abs(a.mtimeMs - b.mtimeMs) < 1;

function write(out, bytes, st) {
  const tmp = `${out}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, bytes);
  fs.utimesSync(tmp, st.atimeMs / 1000, st.mtimeMs / 1000);
  fs.renameSync(tmp, out);
}

const ENCODERS = {
  br: (buf, text) => zlib.brotliCompressSync(buf, { params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
    [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
    [zlib.constants.BROTLI_PARAM_MODE]: text ? zlib.constants.BROTLI_MODE_TEXT : zlib.constants.BROTLI_MODE_GENERIC,
  } }),
  gz: (buf) => zlib.gzipSync(buf, { level: 9 }),
};

let written = 0, kept = 0, removed = 0;
for (const dir of process.argv.slice(2)) {
  for (const file of walk(dir)) {
    const ext = path.extname(file);
    if (ext === '.br' || ext === '.gz') { // a copy: keep it only while its file exists
      const src = file.slice(0, -ext.length);
      if (!fs.existsSync(src) || !COMPRESSIBLE.has(path.extname(src))) { fs.rmSync(file); removed++; }
      continue;
    }
    if (!COMPRESSIBLE.has(ext) || file.includes('.tmp-')) continue;
    const st = fs.statSync(file);
    let buf = null;
    for (const [suffix, encode] of Object.entries(ENCODERS)) {
      const out = `${file}.${suffix}`;
      let cur = null;
      try { cur = fs.statSync(out); } catch { /* none yet */ }
      if (cur && sameTime(cur, st)) { kept++; continue; }
      buf ??= fs.readFileSync(file);
      write(out, encode(buf, ext !== '.wasm'), st);
      written++;
    }
  }
}
if (written || removed) console.log(`compress: ${written} written, ${kept} current, ${removed} removed`);
