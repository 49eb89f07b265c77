// engines.mjs - one way for a test body to drive the page in three browser engines, each from
// Debian's packages and each through the driver that speaks to it natively:
//   chromium  /usr/bin/chromium, playwright-core over CDP (browser.mjs's launch and openPage)
//   firefox   /usr/bin/firefox-esr, puppeteer-core over WebDriver BiDi (Firefox's own protocol;
//             playwright-core's Firefox needs Playwright's patched build, never Debian's)
//   webkit    WebKitGTK's MiniBrowser --automation, started by WebKitWebDriver (classic
//             WebDriver: Debian's 2.50 speaks no BiDi), through selenium-webdriver, on an
//             Xvfb display of its own (this MiniBrowser has no --headless)
// launchEngine(name) -> {name, open(url, {viewport}) -> EnginePage, close()}. An EnginePage
// offers what the tests need, alike in all three: evaluate(fn, arg) (fn runs in the page: no
// closures; arg and result are JSON), waitFor(fn, arg), click(selector | {role, name}),
// clickAt(x, y) (viewport pixels), fill, setFiles(selector, paths) (<input type=file>),
// drop(paths) and paste(paths) (events carrying Files built in the page), download(button)
// -> {name, type, bytes}, screenshot({path}) (so browser.mjs's shot() takes it), check() (no
// request left the origin, no console error).
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CHROMIUM, launch as launchChromium, openPage } from './browser.mjs';

const FIREFOX = process.env.ES_FIREFOX || '/usr/bin/firefox-esr';
const WEBKIT_DRIVER = process.env.ES_WEBKIT_DRIVER || '/usr/bin/WebKitWebDriver';
const MINIBROWSER = process.env.ES_MINIBROWSER || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const XVFB = '/usr/bin/Xvfb';

/** The engines, in the order the tests run them, with the programs each needs. */
export const ENGINES = {
  chromium: { driver: 'playwright-core', needs: [CHROMIUM], packages: 'chromium' },
  firefox: { driver: 'puppeteer-core, WebDriver BiDi', needs: [FIREFOX], packages: 'firefox-esr' },
  webkit: { driver: 'selenium-webdriver, WebKitWebDriver', needs: [WEBKIT_DRIVER, MINIBROWSER, XVFB], packages: 'webkit2gtk-driver xvfb' },
};

/** The programs engine `name` needs that are not installed (tools/studio test installs them). */
export const missing = (name) => ENGINES[name].needs.filter((p) => !fs.existsSync(p));

const TYPES = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.bmp': 'image/bmp', '.txt': 'text/plain' };
const fileData = (p) => ({ name: path.basename(p), type: TYPES[path.extname(p).toLowerCase()] || '', data: fs.readFileSync(p).toString('base64') });

// ------------------------------------------------------------------ in the page
// Functions evaluate() sends to the page: self-contained, JSON in and out.

// The visible element with this role and accessible name (aria-label, else the text), marked
// so a native click can find it by selector; null while there is none or it is disabled.
function markByRole({ role, name, mark }) {
  const pick = role === 'button' ? 'button, [role="button"], input[type="button"], input[type="submit"]' : `[role="${role}"]`;
  const named = (el) => (el.getAttribute('aria-label') || el.textContent).replace(/\s+/g, ' ').trim() === name;
  const found = [...document.querySelectorAll(pick)].filter((el) => named(el) && el.getClientRects().length);
  if (found.length > 1) throw new Error(`${found.length} elements are ${role} '${name}'`);
  if (!found.length || found[0].disabled) return null;
  document.querySelectorAll('[data-engine-click]').forEach((el) => el.removeAttribute('data-engine-click'));
  found[0].setAttribute('data-engine-click', mark);
  return `[data-engine-click="${mark}"]`;
}

function enabledSelector(selector) {
  const el = document.querySelector(selector);
  return el && !el.disabled && el.getClientRects().length ? selector : null;
}

function fillValue([selector, value]) {
  const el = document.querySelector(selector);
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
}

// A drop on `selector`, or a paste on the document, carrying Files made here from base64.
// Returns how the files travelled: 'event' (in the event the engine built from its init
// dictionary) or 'stood-in' (the engine's constructor dropped them, so clipboardData is given
// to the event as a property: Firefox copies no item of a ClipboardEvent's init clipboardData).
function dispatchFiles([kind, selector, files]) {
  const dt = new DataTransfer();
  for (const f of files) dt.items.add(new File([Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
  const init = { bubbles: true, cancelable: true };
  const e = kind === 'drop' ? new DragEvent('drop', { ...init, dataTransfer: dt }) : new ClipboardEvent('paste', { ...init, clipboardData: dt });
  const carried = kind === 'drop' ? e.dataTransfer : e.clipboardData;
  let how = 'event';
  if ((carried?.files.length || 0) !== files.length) {
    Object.defineProperty(e, kind === 'drop' ? 'dataTransfer' : 'clipboardData', { value: dt });
    how = 'stood-in';
  }
  (kind === 'drop' ? document.querySelector(selector) : document).dispatchEvent(e);
  return how;
}

// Downloads: the page saves a Blob through <a download> (web/app.js save()). The hook keeps
// each Blob handed to URL.createObjectURL and, when such a link is clicked, reads it
// (FileReader: no fetch, so the page's CSP is not involved) instead of letting the browser
// save it: the same bytes, in any engine, with no download folder or dialog.
function hookDownloads() {
  if (window.engineDownloads) return;
  window.engineDownloads = [];
  const blobs = new Map(), create = URL.createObjectURL, click = HTMLAnchorElement.prototype.click;
  URL.createObjectURL = function (obj) {
    const url = create.call(URL, obj);
    if (obj instanceof Blob) blobs.set(url, obj);
    return url;
  };
  HTMLAnchorElement.prototype.click = function () {
    const blob = this.hasAttribute('download') && blobs.get(this.href);
    if (!blob) return click.call(this);
    const entry = { name: this.download, type: blob.type, data: null };
    window.engineDownloads.push(entry);
    const reader = new FileReader();
    reader.onload = () => { entry.data = reader.result.slice(reader.result.indexOf(',') + 1); };
    reader.readAsDataURL(blob);
  };
}

// Classic WebDriver reports no console: collect errors in the page from now on, and read the
// resources the page loaded from its performance timeline.
function hookProblems() {
  if (window.engineProblems) return;
  window.engineProblems = [];
  const error = console.error;
  console.error = (...args) => { window.engineProblems.push(args.map(String).join(' ')); error.apply(console, args); };
  addEventListener('error', (e) => window.engineProblems.push(e.message));
  addEventListener('unhandledrejection', (e) => window.engineProblems.push(String(e.reason?.message || e.reason)));
}

const observed = () => ({
  problems: window.engineProblems || [],
  requests: [location.href, ...performance.getEntriesByType('resource').map((r) => r.name)],
});

// ------------------------------------------------------------------ the shared page

class EnginePage {
  constructor(engine, url) { this.engine = engine; this.url = url; this.marks = 0; }

  /** Poll fn(arg) in the page until it returns something truthy; that value. */
  async waitFor(fn, arg, { timeout = 60000, what } = {}) {
    const end = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        const v = await this.evaluate(fn, arg);
        if (v) return v;
        last = null;
      } catch (e) { last = e; } // a navigation under way: try again
      if (Date.now() > end) {
        const state = await this.evaluate(() => `engine: ${document.querySelector('#engine')?.textContent}; queue: ${[...document.querySelectorAll('#queue li')].map((li) => `${li.textContent} [${li.dataset.state}]`).join(' | ')}`).catch((e) => String(e));
        const seen = await Promise.resolve(this.observed()).catch(() => ({ problems: [], requests: [] }));
        const origin = new URL(this.url).origin, last10 = seen.requests.slice(-10).map((u) => u.replace(origin, ''));
        throw new Error(`${this.engine}: waited ${timeout} ms for ${what || String(fn).slice(0, 160)}${last ? ` (${last.message})` : ''}; ${state}; ` +
          `console errors: ${JSON.stringify(seen.problems)}; last requests: ${last10.join(' ')}`);
      }
      await sleep(100);
    }
  }

  /** Click an element by CSS selector or by {role, name}, once it is there and enabled. */
  async click(target) {
    const selector = typeof target === 'string'
      ? await this.waitFor(enabledSelector, target, { what: `${target} to be enabled` })
      : await this.waitFor(markByRole, { ...target, mark: String(++this.marks) }, { what: `${target.role} '${target.name}' to be enabled` });
    await this.clickSelector(selector);
  }

  fill(selector, value) { return this.evaluate(fillValue, [selector, value]); }
  text(selector) { return this.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector); }

  /** The engine's build, once it started ('st' or 'mt'). */
  ready(timeout = 60000) {
    return this.waitFor(() => document.documentElement.dataset.build, null, { timeout, what: 'the engine to start' });
  }

  drop(paths, selector = '#drop') { return this.evaluate(dispatchFiles, ['drop', selector, paths.map(fileData)]); }
  paste(paths) { return this.evaluate(dispatchFiles, ['paste', null, paths.map(fileData)]); }

  /** Click the button named `button`; the file the page saved: {name, type, bytes}. */
  async download(button = 'Download', timeout = 120000) {
    await this.evaluate(hookDownloads);
    const n = await this.evaluate(() => window.engineDownloads.length);
    await this.click({ role: 'button', name: button });
    const got = await this.waitFor((k) => window.engineDownloads[k]?.data !== null && window.engineDownloads[k], n, { timeout, what: `a download from '${button}'` });
    return { name: got.name, type: got.type, bytes: Buffer.from(got.data, 'base64') };
  }

  /** No request left the page's origin; no console error. */
  async check() {
    const { problems, requests } = await this.observed();
    const origin = new URL(this.url).origin;
    assert.deepEqual(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:')), [], `${this.engine}: requests left the origin`);
    assert.deepEqual(problems, [], `${this.engine}: console errors`);
  }
}

// ------------------------------------------------------------------ Chromium: playwright-core

class ChromiumPage extends EnginePage {
  constructor(p, url) { super('chromium', url); this.p = p; this.page = p.page; }
  evaluate(fn, arg) { return this.page.evaluate(fn, arg); }
  goto(url) { this.url = url; return this.page.goto(url); }
  reload() { return this.page.reload(); }
  clickSelector(s) { return this.page.click(s); }
  clickAt(x, y) { return this.page.mouse.click(x, y); }
  setFiles(s, paths) { return this.page.setInputFiles(s, paths); }
  screenshot(o) { return this.page.screenshot(o); }
  observed() { return { problems: this.p.problems, requests: this.p.requests }; }
  close() { return this.p.context.close(); }
}

async function chromium() {
  const browser = await launchChromium();
  return {
    name: 'chromium',
    async open(url, { viewport } = {}) { return new ChromiumPage(await openPage(browser, url, { viewport, ready: false }), url); },
    close: () => browser.close(),
  };
}

// ------------------------------------------------------------------ Firefox: puppeteer-core, BiDi

class FirefoxPage extends EnginePage {
  constructor(context, page, url) {
    super('firefox', url);
    Object.assign(this, { context, page, problems: [], requests: [] });
    page.on('console', (m) => { if (m.type() === 'error') this.problems.push(m.text()); });
    page.on('pageerror', (e) => this.problems.push(e.message));
    page.on('request', (r) => this.requests.push(r.url()));
  }

  evaluate(fn, arg) { return this.page.evaluate(fn, arg); }
  goto(url) { this.url = url; return this.page.goto(url); }
  reload() { return this.page.reload(); }
  clickSelector(s) { return this.page.click(s); }
  clickAt(x, y) { return this.page.mouse.click(x, y); }
  async setFiles(s, paths) { await (await this.page.$(s)).uploadFile(...paths); }
  screenshot(o) { return this.page.screenshot(o); }
  observed() { return { problems: this.problems, requests: this.requests }; }
  close() { return this.context.close(); }
}

async function firefox() {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({ browser: 'firefox', protocol: 'webDriverBiDi', executablePath: FIREFOX, headless: true });
  return {
    name: 'firefox',
    async open(url, { viewport = { width: 1280, height: 800 } } = {}) {
      const context = await browser.createBrowserContext(); // its own storage, service workers and caches
      const page = await context.newPage();
      await page.setViewport(viewport);
      const p = new FirefoxPage(context, page, url);
      await page.goto(url);
      return p;
    },
    close: () => browser.close(),
  };
}

// ------------------------------------------------------------------ WebKitGTK: selenium-webdriver

// An X display of our own: Xvfb picks a free number and writes it to fd 3 (-displayfd).
function startXvfb() {
  return new Promise((resolve, reject) => {
    const p = spawn(XVFB, ['-displayfd', '3', '-screen', '0', '1920x1200x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.stdio[3].on('data', (d) => resolve({ display: `:${String(d).trim()}`, stop: () => p.kill() }));
    p.on('exit', (code) => reject(new Error(`Xvfb exited with ${code}: ${err.trim().split('\n').pop()}`)));
  });
}

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

async function startWebKitDriver(display) {
  const port = await freePort();
  const p = spawn(WEBKIT_DRIVER, [`--port=${port}`, '--host=local'], { env: { ...process.env, DISPLAY: display }, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) { // up in ~0.1 s
    if (p.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${p.exitCode}`);
    if (await fetch(`${url}/status`).then((r) => r.ok, () => false)) return { url, stop: () => p.kill() };
    await sleep(100);
  }
  p.kill();
  throw new Error('WebKitWebDriver did not answer in 10 s');
}

class WebKitPage extends EnginePage {
  constructor(driver, url) { super('webkit', url); this.driver = driver; }

  async evaluate(fn, arg) {
    const r = await this.driver.executeAsyncScript(`const done = arguments[arguments.length - 1];
      Promise.resolve().then(() => (${fn})(arguments[0])).then((value) => done({ value: value === undefined ? null : value }),
        (e) => done({ error: String(e && e.message || e) }));`, arg === undefined ? null : arg);
    if (r.error !== undefined) throw new Error(`in the page: ${r.error}`);
    return r.value;
  }

  async goto(url) { this.url = url; await this.driver.get(url); await this.evaluate(hookProblems); }
  async reload() { await this.driver.navigate().refresh(); await this.evaluate(hookProblems); }
  async clickSelector(s) { await (await this.element(s)).click(); }
  async clickAt(x, y) {
    await this.driver.actions().move({ x: Math.round(x), y: Math.round(y), origin: 'viewport' }).press().release().perform();
  }

  async setFiles(s, paths) { await (await this.element(s)).sendKeys(paths.join('\n')); }
  async element(s) { const { By } = await import('selenium-webdriver'); return this.driver.findElement(By.css(s)); }
  async screenshot({ path: file }) {
    await this.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))); // painted as it is now
    fs.writeFileSync(file, Buffer.from(await this.driver.takeScreenshot(), 'base64'));
  }
  observed() { return this.evaluate(observed); }
  close() { return this.driver.get('about:blank'); }

  // The window's size for an inner size of `viewport` (the window has a toolbar).
  async resize({ width, height }) {
    const win = this.driver.manage().window();
    await win.setRect({ width, height });
    const [w, h] = await this.evaluate(() => [innerWidth, innerHeight]);
    if (w !== width || h !== height) await win.setRect({ width: 2 * width - w, height: 2 * height - h });
  }
}

async function webkit() {
  const { Builder } = await import('selenium-webdriver');
  const x = await startXvfb();
  let server, driver;
  try {
    server = await startWebKitDriver(x.display);
    driver = await new Builder().usingServer(server.url).withCapabilities({
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
    }).build();
    await driver.manage().setTimeouts({ script: 180000 });
  } catch (e) {
    server?.stop(); x.stop();
    throw e;
  }
  return {
    name: 'webkit',
    async open(url, { viewport = { width: 1280, height: 800 } } = {}) {
      const p = new WebKitPage(driver, url);
      await p.goto('about:blank');
      await p.resize(viewport);
      await p.goto(url);
      return p;
    },
    async close() { try { await driver.quit(); } finally { server.stop(); x.stop(); } },
  };
}

/** Start engine `name` (a key of ENGINES). */
export function launchEngine(name) {
  return { chromium, firefox, webkit }[name]();
}
