// serve.mjs - a static file server for web/ on localhost, for development and the browser
// tests: correct MIME types (.wasm, .mjs, .webmanifest) and the COOP/COEP headers that make
// the page crossOriginIsolated, so the threaded build can run. Dependency-free.
//   node tools/serve.mjs --root web [--port 8080] [--host 127.0.0.1] [--no-isolation] [--models DIR]
// What a good static host does, so a reload costs little:
// - Compression: the build writes FILE.br and FILE.gz beside each text and .wasm file
//   (tools/compress.mjs); they are sent with Content-Encoding when the request's
//   Accept-Encoding allows (br first), and only while they are current (their mtime is the
//   file's, which compress.mjs sets), else the file goes as it is. Every response of a
//   compressible type says Vary: Accept-Encoding.
// - Validators: a strong ETag per representation (the content's SHA-256, with -br / -gz for
//   the compressed ones) and Last-Modified; If-None-Match (or If-Modified-Since) answers 304.
// - Cache-Control: no-cache (use, but revalidate), except a URL whose ?v= is the file's
//   content hash (the first 12 hex digits of its SHA-256, as the build lists them in
//   gen/assets.js and gen/build.mjs): that URL can never name other bytes, so it is
//   immutable for a year.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const root = path.resolve(opt('--root', 'web'));
const port = Number(opt('--port', 8080));
const host = opt('--host', '127.0.0.1');
const isolate = !args.includes('--no-isolation');
// Converted colorization models (models/eccv16-*.bin) are served at /models/ when given;
// nothing else from that folder, and never a synthetic test model (those live in build/).
const models = opt('--models', null) && path.resolve(opt('--models'));
if (!Number.isInteger(port) || port < 0 || port > 65535) { console.error(`serve: bad --port '${opt('--port')}'`); process.exit(2); }

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm', '.png': 'image/png', '.jpg': 'image/jpeg', '.svg': 'image/svg+xml', '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8', '.esm': 'application/octet-stream',
};
// The types compress.mjs compresses (the same list); nothing else is ever sent encoded.
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.webmanifest', '.wasm', '.svg', '.txt']);

// Accept-Encoding -> the encodings the client takes, best first among ours (br, gzip).
function accepted(header = '') {
  const q = {};
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const p = params.map((s) => s.trim()).find((s) => s.startsWith('q='));
    q[name] = p ? Number(p.slice(2)) : 1;
  }
  const ok = (e) => (e in q ? q[e] > 0 : '*' in q && q['*'] > 0);
  return ['br', 'gzip'].filter(ok);
}

// SHA-256 of a file, 64 hex digits, remembered per path, size and mtime. Files over 64 MB
// (a model) get a weaker tag from size and mtime instead of being read for it.
const hashes = new Map();
function contentHash(file, st) {
  const key = `${file}\0${st.size}\0${st.mtimeMs}`;
  if (hashes.has(key)) return hashes.get(key);
  const h = st.size > (64 << 20) ? `${st.size.toString(16)}-${Math.round(st.mtimeMs).toString(16)}`
    : crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  if (hashes.size > 4096) hashes.clear();
  hashes.set(key, h);
  return h;
}

// The precompressed copy to send, if the client takes it and it is the file's current one.
function encoded(file, st, accept) {
  if (!COMPRESSIBLE.has(path.extname(file))) return null;
  for (const enc of accepted(accept)) {
    const alt = `${file}.${enc === 'br' ? 'br' : 'gz'}`;
    try {
      const zst = fs.statSync(alt);
      if (zst.isFile() && Math.abs(zst.mtimeMs - st.mtimeMs) < 1) return { enc, file: alt, size: zst.size };
    } catch { /* none */ }
  }
  return null;
}

// A request's If-None-Match: does it name this tag (or *)?
const matches = (header, tag) => header.split(',').some((t) => { t = t.trim(); return t === '*' || t === tag || t === `W/${tag}`; });

const server = http.createServer((req, res) => {
  const headers = { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', 'Cross-Origin-Resource-Policy': 'same-origin' };
  if (isolate) Object.assign(headers, { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
  if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }); res.end(); return; }
  let rel, url;
  try { url = new URL(req.url, 'http://x'); rel = decodeURIComponent(url.pathname); } catch { res.writeHead(400, headers); res.end(); return; }
  if (rel.includes('\0')) { res.writeHead(400, headers); res.end(); return; }
  if (rel.endsWith('/')) rel += 'index.html';
  if (rel === '/models/index.json') { /* which converted models this site offers */
    const list = models && fs.existsSync(models) ? fs.readdirSync(models).filter((f) => /^eccv16-(f32|f16|int8)\.bin$/.test(f)) : [];
    const body = JSON.stringify({ models: list });
    const etag = `"${crypto.createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    const fresh = req.headers['if-none-match'] !== undefined && matches(req.headers['if-none-match'], etag);
    res.writeHead(fresh ? 304 : 200, { ...headers, 'Content-Type': 'application/json', ETag: etag });
    res.end(fresh || req.method === 'HEAD' ? undefined : body);
    return;
  }
  let file = path.join(root, path.normalize(rel));
  const m = /^\/models\/(eccv16-(?:f32|f16|int8)\.bin)$/.exec(rel);
  if (m && models) file = path.join(models, m[1]);
  else if (!file.startsWith(root + path.sep)) { res.writeHead(403, headers); res.end(); return; }
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) { res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }); res.end('not found\n'); return; }
    const ext = path.extname(file);
    const hash = contentHash(file, st);
    const alt = encoded(file, st, req.headers['accept-encoding']);
    const etag = `"${hash}${alt ? `-${alt.enc === 'br' ? 'br' : 'gz'}` : ''}"`;
    headers['Content-Type'] = TYPES[ext] || 'application/octet-stream';
    headers.ETag = etag;
    headers['Last-Modified'] = st.mtime.toUTCString();
    if (COMPRESSIBLE.has(ext)) headers.Vary = 'Accept-Encoding';
    if (url.searchParams.get('v') === hash.slice(0, 12)) headers['Cache-Control'] = 'public, max-age=31536000, immutable';
    const inm = req.headers['if-none-match'], ims = Date.parse(req.headers['if-modified-since'] || '');
    if (inm !== undefined ? matches(inm, etag) : ims >= Math.floor(st.mtimeMs / 1000) * 1000) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    if (alt) headers['Content-Encoding'] = alt.enc;
    headers['Content-Length'] = alt ? alt.size : st.size;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') { res.end(); return; }
    fs.createReadStream(alt ? alt.file : file).pipe(res);
  });
});

server.on('error', (e) => { console.error(`serve: ${e.code === 'EADDRINUSE' ? `port ${port} is in use (try --port N)` : e.message}`); process.exit(1); });
server.listen(port, host, () => {
  const { port: p } = server.address();
  console.log(`Enhancement Studio: http://${host === '127.0.0.1' ? 'localhost' : host}:${p}/  (serving ${root}${isolate ? ', cross-origin isolated' : ''})`);
});
