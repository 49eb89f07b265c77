// serve.mjs - a static file server for web/ on localhost, for development and the browser
// tests: correct MIME types (.wasm, .mjs, .webmanifest) and the COOP/COEP headers that make
// the page crossOriginIsolated, so the threaded build can run. Dependency-free.
//   node tools/serve.mjs --root web [--port 8080] [--host 127.0.0.1] [--no-isolation]
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

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

const server = http.createServer((req, res) => {
  const headers = { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', 'Cross-Origin-Resource-Policy': 'same-origin' };
  if (isolate) Object.assign(headers, { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
  if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405, headers); res.end(); return; }
  let rel;
  try { rel = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { res.writeHead(400, headers); res.end(); return; }
  if (rel.endsWith('/')) rel += 'index.html';
  if (rel === '/models/index.json') { /* which converted models this site offers */
    const list = models && fs.existsSync(models) ? fs.readdirSync(models).filter((f) => /^eccv16-(f32|f16|int8)\.bin$/.test(f)) : [];
    res.writeHead(200, { ...headers, 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ models: list }));
    return;
  }
  let file = path.join(root, path.normalize(rel));
  const m = /^\/models\/(eccv16-(?:f32|f16|int8)\.bin)$/.exec(rel);
  if (m && models) file = path.join(models, m[1]);
  else if (!file.startsWith(root + path.sep)) { res.writeHead(403, headers); res.end(); return; }
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) { res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }); res.end('not found\n'); return; }
    headers['Content-Type'] = TYPES[path.extname(file)] || 'application/octet-stream';
    headers['Content-Length'] = st.size;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') { res.end(); return; }
    fs.createReadStream(file).pipe(res);
  });
});

server.on('error', (e) => { console.error(`serve: ${e.code === 'EADDRINUSE' ? `port ${port} is in use (try --port N)` : e.message}`); process.exit(1); });
server.listen(port, host, () => {
  const { port: p } = server.address();
  console.log(`Enhancement Studio: http://${host === '127.0.0.1' ? 'localhost' : host}:${p}/  (serving ${root}${isolate ? ', cross-origin isolated' : ''})`);
});
