// tools/serve.mjs and tools/compress.mjs on a small site made here: brotli and gzip chosen
// by Accept-Encoding (q-values too), Vary, a strong ETag per representation and 304s, HEAD,
// the immutable ?v=HASH URLs, no compressed copy for a type that is never compressed or for
// a copy that is out of date, and paths that try to leave the root refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { ROOT, scratchDir } from './helpers.mjs';

const dir = scratchDir('serve-');
const site = path.join(dir, 'site');
const SCRIPT = 'export const x = 1;\n'.repeat(400);
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
let server, base;

function compress() {
  execFileSync(process.execPath, [path.join(ROOT, 'tools', 'compress.mjs'), site]);
}

before(async () => {
  fs.mkdirSync(path.join(site, 'gen'), { recursive: true });
  fs.writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>t</title>\n'.repeat(50));
  fs.writeFileSync(path.join(site, 'app.js'), SCRIPT);
  fs.writeFileSync(path.join(site, 'gen', 'm.wasm'), crypto.randomBytes(512).toString('hex').repeat(8));
  fs.writeFileSync(path.join(site, 'photo.png'), PNG);
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'not for the web\n');
  compress();
  // a compressed copy beside a type that is never sent compressed: must be ignored
  fs.writeFileSync(path.join(site, 'photo.png.br'), zlib.brotliCompressSync(Buffer.from('not the photo')));
  fs.writeFileSync(path.join(site, 'photo.png.gz'), zlib.gzipSync(Buffer.from('not the photo')));
  const p = spawn(process.execPath, [path.join(ROOT, 'tools', 'serve.mjs'), '--root', site, '--port', '0']);
  server = p;
  base = await new Promise((resolve, reject) => {
    p.stdout.on('data', (d) => { const m = /http:\/\/\S+\//.exec(String(d)); if (m) resolve(new URL(m[0])); });
    p.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
});
after(() => { server?.kill(); fs.rmSync(dir, { recursive: true, force: true }); });

// A raw request (the path sent exactly as given): {status, headers, body (as sent)}.
function get(p, headers = {}, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: base.port, path: p, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const decode = (r) => (r.headers['content-encoding'] === 'br' ? zlib.brotliDecompressSync(r.body)
  : r.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(r.body) : r.body);

test('compress.mjs writes .br and .gz beside text and wasm files only, and only when a file changed', () => {
  for (const f of ['index.html', 'app.js', 'gen/m.wasm']) {
    const src = fs.readFileSync(path.join(site, f));
    assert.deepEqual(zlib.brotliDecompressSync(fs.readFileSync(path.join(site, `${f}.br`))), src, `${f}.br`);
    assert.deepEqual(zlib.gunzipSync(fs.readFileSync(path.join(site, `${f}.gz`))), src, `${f}.gz`);
    // the copy takes the file's mtime (to the microsecond utimes keeps): how serve.mjs knows it is current
    assert.ok(Math.abs(fs.statSync(path.join(site, `${f}.br`)).mtimeMs - fs.statSync(path.join(site, f)).mtimeMs) < 0.01);
  }
  const scratch = fs.mkdtempSync(path.join(dir, 'c-'));
  fs.writeFileSync(path.join(scratch, 'a.css'), 'body { color: red }\n'.repeat(20));
  fs.writeFileSync(path.join(scratch, 'b.png'), PNG);
  execFileSync(process.execPath, [path.join(ROOT, 'tools', 'compress.mjs'), scratch]);
  assert.deepEqual(fs.readdirSync(scratch).sort(), ['a.css', 'a.css.br', 'a.css.gz', 'b.png']);
  const ino = fs.statSync(path.join(scratch, 'a.css.br')).ino;
  execFileSync(process.execPath, [path.join(ROOT, 'tools', 'compress.mjs'), scratch]);
  assert.equal(fs.statSync(path.join(scratch, 'a.css.br')).ino, ino, 'an unchanged file was compressed again');
  fs.writeFileSync(path.join(scratch, 'a.css'), 'body { color: blue }\n');
  execFileSync(process.execPath, [path.join(ROOT, 'tools', 'compress.mjs'), scratch]);
  assert.equal(String(zlib.gunzipSync(fs.readFileSync(path.join(scratch, 'a.css.gz')))), 'body { color: blue }\n');
  fs.rmSync(path.join(scratch, 'a.css'));
  execFileSync(process.execPath, [path.join(ROOT, 'tools', 'compress.mjs'), scratch]);
  assert.deepEqual(fs.readdirSync(scratch), ['b.png'], 'copies of a removed file stay');
});

test('Accept-Encoding picks brotli, then gzip, else the file as it is; Vary on every compressible type', async () => {
  for (const [accept, want] of [['gzip, deflate, br', 'br'], ['br', 'br'], ['gzip', 'gzip'], ['br;q=0, gzip', 'gzip'],
    ['gzip;q=0.5, br;q=0.1', 'br'], ['*', 'br'], ['identity', undefined], [undefined, undefined], ['br;q=0, gzip;q=0', undefined]]) {
    const r = await get('/app.js', accept === undefined ? {} : { 'Accept-Encoding': accept });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], want, `Accept-Encoding: ${accept}`);
    assert.equal(r.headers.vary, 'Accept-Encoding');
    assert.equal(Number(r.headers['content-length']), r.body.length);
    assert.equal(String(decode(r)), SCRIPT);
    if (want) assert.ok(r.body.length < SCRIPT.length / 10, `${want}: ${r.body.length} bytes`);
  }
  const wasm = await get('/gen/m.wasm', { 'Accept-Encoding': 'gzip, br' });
  assert.equal(wasm.headers['content-type'], 'application/wasm');
  assert.equal(wasm.headers['content-encoding'], 'br');
  const page = await get('/', { 'Accept-Encoding': 'gzip' });
  assert.equal(page.headers['content-encoding'], 'gzip');
  assert.match(page.headers['content-type'], /^text\/html/);
});

test('a type that is never compressed goes as it is, whatever lies beside it; so does a file newer than its copies', async () => {
  const png = await get('/photo.png', { 'Accept-Encoding': 'br, gzip' });
  assert.equal(png.status, 200);
  assert.equal(png.headers['content-encoding'], undefined);
  assert.equal(png.headers.vary, undefined);
  assert.deepEqual(png.body, PNG);
  const missing = await get('/nothing.js', { 'Accept-Encoding': 'br' });
  assert.equal(missing.status, 404);
  // a file changed after the build: its copies are stale and must not be sent
  const fresh = path.join(site, 'fresh.js');
  fs.writeFileSync(fresh, 'old();\n'.repeat(100));
  execFileSync(process.execPath, [path.join(ROOT, 'tools', 'compress.mjs'), site]);
  fs.writeFileSync(fresh, 'new();\n'.repeat(100));
  fs.utimesSync(fresh, new Date(), new Date(Date.now() + 5000));
  const r = await get('/fresh.js', { 'Accept-Encoding': 'br, gzip' });
  assert.equal(r.headers['content-encoding'], undefined);
  assert.equal(String(r.body), 'new();\n'.repeat(100));
});

test('ETag per representation and Last-Modified; If-None-Match and If-Modified-Since answer 304', async () => {
  const br = await get('/app.js', { 'Accept-Encoding': 'br' });
  const gz = await get('/app.js', { 'Accept-Encoding': 'gzip' });
  const plain = await get('/app.js');
  const hash = crypto.createHash('sha256').update(SCRIPT).digest('hex');
  assert.equal(plain.headers.etag, `"${hash}"`);
  assert.equal(br.headers.etag, `"${hash}-br"`);
  assert.equal(gz.headers.etag, `"${hash}-gz"`);
  assert.equal(br.headers['cache-control'], 'no-cache');
  assert.ok(br.headers['last-modified']);
  const again = await get('/app.js', { 'Accept-Encoding': 'br', 'If-None-Match': br.headers.etag });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  assert.equal(again.headers.etag, br.headers.etag);
  assert.equal(again.headers.vary, 'Accept-Encoding');
  assert.equal((await get('/app.js', { 'Accept-Encoding': 'br', 'If-None-Match': `"x", ${br.headers.etag}` })).status, 304);
  assert.equal((await get('/app.js', { 'Accept-Encoding': 'br', 'If-None-Match': '*' })).status, 304);
  // another representation, or another version, is sent in full
  assert.equal((await get('/app.js', { 'Accept-Encoding': 'gzip', 'If-None-Match': br.headers.etag })).status, 200);
  assert.equal((await get('/app.js', { 'Accept-Encoding': 'br', 'If-None-Match': '"old"' })).status, 200);
  assert.equal((await get('/app.js', { 'If-Modified-Since': plain.headers['last-modified'] })).status, 304);
  assert.equal((await get('/app.js', { 'If-Modified-Since': new Date(Date.parse(plain.headers['last-modified']) - 60000).toUTCString() })).status, 200);
  // If-None-Match wins over If-Modified-Since
  assert.equal((await get('/app.js', { 'If-None-Match': '"old"', 'If-Modified-Since': plain.headers['last-modified'] })).status, 200);
  const list = await get('/models/index.json');
  assert.equal((await get('/models/index.json', { 'If-None-Match': list.headers.etag })).status, 304);
});

test('HEAD: the same headers as GET, no body', async () => {
  const g = await get('/app.js', { 'Accept-Encoding': 'br' });
  const h = await get('/app.js', { 'Accept-Encoding': 'br' }, 'HEAD');
  assert.equal(h.status, 200);
  assert.equal(h.body.length, 0);
  for (const k of ['content-type', 'content-length', 'content-encoding', 'etag', 'vary', 'cache-control', 'cross-origin-embedder-policy'])
    assert.equal(h.headers[k], g.headers[k], k);
  assert.equal((await get('/app.js', {}, 'POST')).status, 405);
});

test('a URL carrying the content hash (?v=) is immutable; any other ?v= is not', async () => {
  const hash = crypto.createHash('sha256').update(fs.readFileSync(path.join(site, 'gen', 'm.wasm'))).digest('hex').slice(0, 12);
  const r = await get(`/gen/m.wasm?v=${hash}`, { 'Accept-Encoding': 'br' });
  assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(r.headers['content-encoding'], 'br');
  assert.equal((await get('/gen/m.wasm?v=000000000000')).headers['cache-control'], 'no-cache');
  assert.equal((await get('/gen/m.wasm')).headers['cache-control'], 'no-cache');
});

test('paths that leave the root are refused', async () => {
  for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/gen/../../secret.txt', '/%2e%2e%5csecret.txt', '/..\\secret.txt']) {
    const r = await get(p, { 'Accept-Encoding': 'br, gzip' });
    assert.ok(r.status === 403 || r.status === 404 || r.status === 400, `${p}: HTTP ${r.status}`);
    assert.ok(!String(r.body).includes('not for the web'), `${p} served a file outside the root`);
  }
  assert.equal((await get('/app.js%00.png')).status, 400);
});
