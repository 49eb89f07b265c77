// apt_lock.test.mjs - setup survives a busy package manager (issue 24): tools/lib/common.sh's
// apt_get waits while another program holds apt's locks, says so in one line, and succeeds.
// The other program is stood in for by Python holding the lock as apt and dpkg do (a POSIX
// fcntl lock). Root only (apt needs it; CI runs as root).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

// (not tests/node/helpers.mjs: it loads the WASM build's modules, and setup comes before any build)
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// say's line (its [studio] in bold): the path of the lock it waits for
const WAITING = /\[studio\]\S* waiting for the package manager \(another program holds (\/[^\s:)]+)/;

const why = process.getuid?.() !== 0 ? 'needs root (apt takes its locks as root only)'
  : !fs.existsSync('/usr/bin/apt-get') ? 'no apt-get on this machine'
  : !fs.existsSync('/usr/bin/python3') ? 'no /usr/bin/python3 to hold the lock' : null;
if (why) console.log(`apt_lock.test.mjs skipped: ${why}`);

/** Holds FILE's lock (fcntl, as apt does) until release() or 60 s; resolves once it is held. */
function holdLock(file) {
  const py = 'import fcntl, sys\n' +
    'f = open(sys.argv[1], "a"); fcntl.lockf(f, fcntl.LOCK_EX)\n' +
    'print("held", flush=True); sys.stdin.read()';
  const child = spawn('/usr/bin/python3', ['-c', py, file], { stdio: ['pipe', 'pipe', 'inherit'] });
  const killer = setTimeout(() => child.kill(), 60000);
  const done = new Promise((resolve) => child.on('exit', () => { clearTimeout(killer); resolve(); }));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => { if (String(d).includes('held')) resolve({ release: () => { child.stdin.end(); return done; } }); });
    child.on('exit', (code) => reject(new Error(`the lock holder exited (${code}) before holding ${file}`)));
  });
}

/** bash with tools/lib/common.sh sourced running SCRIPT; onStderr sees stderr as it comes. */
function studioBash(script, onStderr = () => {}) {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', `set -euo pipefail; source "$ES_ROOT/tools/lib/common.sh"; ${script}`],
      { env: { ...process.env, ES_ROOT: ROOT }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; onStderr(stderr); });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs SCRIPT while FILE is locked; lets go 2 s after the waiting line appears. */
async function whileLocked(file, script) {
  const lock = await holdLock(file);
  let released = null;
  const t0 = Date.now();
  const r = await studioBash(script, (err) => {
    if (!released && WAITING.test(err)) released = new Promise((res) => setTimeout(res, 2000)).then(lock.release);
  });
  await (released ?? lock.release());
  return { ...r, seconds: (Date.now() - t0) / 1000 };
}

test('apt-get waits for the dpkg frontend lock, says so once, then succeeds', { skip: why ?? false, timeout: 120000 }, async () => {
  // apt-get check takes /var/lib/dpkg/lock-frontend as install does, and changes nothing.
  const r = await whileLocked('/var/lib/dpkg/lock-frontend', 'apt_get check && echo OK');
  console.log(`${r.stderr.replace(/\x1b\[[0-9;]*m/g, '').trim()} (done after ${r.seconds.toFixed(1)} s)`);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /OK/);
  assert.equal(WAITING.exec(r.stderr)?.[1], '/var/lib/dpkg/lock-frontend', r.stderr);
  assert.equal(r.stderr.match(new RegExp(WAITING.source, 'g')).length, 1, 'one waiting line');
  assert.doesNotMatch(r.stderr, /Could not get lock|Waiting for cache lock/, "apt's own lines are folded into ours");
});

test('apt-get update waits for the lists lock (it ignores DPkg::Lock::Timeout), then succeeds', { skip: why ?? false, timeout: 120000 }, async (t) => {
  // An update of no sources into a scratch lists folder: no network, nothing of the
  // machine's own lists touched, and the same lock apt takes in /var/lib/apt/lists.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-apt-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'lists/partial'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'parts'));
  const r = await whileLocked(path.join(dir, 'lists/lock'), `apt_get update -q -o Dir::State::Lists=${dir}/lists ` +
    `-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=${dir}/parts && echo OK`);
  console.log(`${r.stderr.replace(/\x1b\[[0-9;]*m/g, '').trim()} (done after ${r.seconds.toFixed(1)} s)`);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /OK/);
  assert.equal(WAITING.exec(r.stderr)?.[1], `${dir}/lists/lock`, r.stderr);
  assert.ok(r.seconds >= 2, `waited for the lock (${r.seconds} s)`);
});

test('ensure_apt of installed packages runs no apt, so it never waits', { skip: why ?? false, timeout: 60000 }, async () => {
  const lock = await holdLock('/var/lib/dpkg/lock-frontend');
  try {
    const r = await studioBash('apt_get() { echo "apt ran: $*" >&2; return 1; }; ensure_apt coreutils bash && echo OK');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /OK/);
    assert.equal(r.stderr, '');
  } finally {
    await lock.release();
  }
});
