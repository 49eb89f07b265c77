// helpers.mjs - shared by the Node tests: paths, the native CLI, ../shared lookup, scratch
// folders removed at exit, and bad-input files made on the spot. (The photos the tests run
// on: photos.mjs.)
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pngChunk as chunk } from './photos.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BUILD = process.env.ES_BUILD || path.join(ROOT, 'build');
export const SHARED = process.env.ES_SHARED || path.resolve(ROOT, '../shared');
export const NATIVE_CLI = path.join(BUILD, 'native', 'studio-cli');
// The synthetic models and OpenCV's outputs on them (tools/studio test writes them, with or
// without ../shared); ES_TEST_MODELS points elsewhere.
export const MODELS = process.env.ES_TEST_MODELS || path.join(BUILD, 'test-models');

// Every scratch folder of this process lives under one root, os.tmpdir()/studio-PID-XXXXXX,
// removed when the process exits (node --test runs each test file in a process of its own),
// so a run leaves no studio-* folders behind.
let scratchRoot = null;
/** A new empty folder (PREFIX + 6 random characters) under this process's scratch root. */
export function scratchDir(prefix = 'tmp-') {
  if (!scratchRoot) {
    scratchRoot = fs.mkdtempSync(path.join(os.tmpdir(), `studio-${process.pid}-`));
    process.on('exit', () => fs.rmSync(scratchRoot, { recursive: true, force: true }));
  }
  return fs.mkdtempSync(path.join(scratchRoot, prefix));
}

/** ../shared/<sub>, or null after the test is marked skipped with the reason. */
export function shared(t, sub) {
  const p = path.join(SHARED, sub);
  if (fs.existsSync(p)) return p;
  t.skip(`${p} not found (../shared is absent)`);
  return null;
}

export function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    execFile(cmd, args, { maxBuffer: 64 << 20, ...opts }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

/** Lines of `info --digest` keyed by file: {file: rest-of-line}. */
export function parseInfo(stdout, stderr) {
  const out = {};
  for (const line of (stdout + stderr).split('\n')) {
    const m = /^(.*?): (.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** A valid PNG header claiming width x height, with a token IDAT: the classic header bomb. */
export function headerBomb(width = 100000, height = 100000) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4); ihdr[8] = 8; ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([0x78, 0x01, 0x01, 0, 0, 0xff, 0xff, 0, 0, 0, 1])), chunk('IEND', Buffer.alloc(0))]);
}

/** A folder of bad inputs: empty, wrong magic, header bomb, truncated PNG and JPEG. */
export function badFiles(sourcePng, sourceJpeg) {
  const dir = scratchDir('bad-');
  const files = {
    'empty.png': Buffer.alloc(0),
    'wrong-magic.jpg': Buffer.from('GIF89a\x01\x00\x01\x00this is not a jpeg'),
    'header-bomb.png': headerBomb(),
  };
  if (sourcePng) { const b = fs.readFileSync(sourcePng); files['truncated.png'] = b.subarray(0, b.length >> 1); }
  if (sourceJpeg) { const b = fs.readFileSync(sourceJpeg); files['truncated.jpg'] = b.subarray(0, b.length >> 1); }
  for (const [n, b] of Object.entries(files)) fs.writeFileSync(path.join(dir, n), b);
  return { dir, names: Object.keys(files).map((n) => path.join(dir, n)) };
}
