// browser.mjs - what the browser tests and the page benchmark share: the dev server on a free
// port, Debian's Chromium through playwright-core, and a page that records every request
// and console error so a test can check the page stayed on its origin and quiet.
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.ES_CHROMIUM || '/usr/bin/chromium';

export function serve(extra = []) {
  return new Promise((resolve, reject) => {
    const root = extra.includes('--root') ? [] : ['--root', path.join(ROOT, 'web')];
    const p = spawn(process.execPath, [path.join(ROOT, 'tools/serve.mjs'), ...root, '--port', '0', ...extra]);
    p.stdout.on('data', (d) => { const m = /http:\/\/\S+\//.exec(String(d)); if (m) resolve({ url: m[0], stop: () => p.kill() }); });
    p.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
}

export const launch = () => chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// A fresh browser context on the page, watching requests and the console.
export async function openPage(browser, url, { viewport = { width: 1440, height: 900 }, colorScheme = 'light', init } = {}) {
  const context = await browser.newContext({ viewport, colorScheme, acceptDownloads: true });
  if (init) await context.addInitScript(init); // runs before the page's own scripts
  const page = await context.newPage();
  const problems = [], requests = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  context.on('request', (r) => requests.push(r.url()));
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.build, null, { timeout: 60000 });
  const origin = new URL(url).origin;
  const check = () => {
    assert.deepEqual(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:')), [], 'requests left the origin');
    assert.deepEqual(problems, [], 'console errors');
  };
  return { context, page, problems, requests, check };
}

/** A server (serve() arguments), a browser and a page on it for test t, all closed after it. */
export async function pageFor(t, serveArgs = [], pageOptions = {}) {
  const server = await serve(serveArgs);
  const browser = await launch();
  t.after(async () => { await browser.close(); server.stop(); });
  return { ...(await openPage(browser, server.url, pageOptions)), url: server.url };
}

/** Wait until the queue item whose text has `name` is in one of the states `want`. */
export async function waitState(page, name, want, timeout = 120000) {
  await page.waitForFunction(([n, w]) => [...document.querySelectorAll('#queue li')].some((li) => li.textContent.includes(n) && w.includes(li.dataset.state)),
    [name, want], { timeout });
}

/** Click the button named `button` and keep the file it downloads: {name, file, bytes}. */
export async function download(page, button = 'Download') {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), page.getByRole('button', { name: button, exact: true }).click()]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'studio-dl-')), dl.suggestedFilename());
  await dl.saveAs(file);
  return { name: dl.suggestedFilename(), file, bytes: fs.readFileSync(file) };
}
