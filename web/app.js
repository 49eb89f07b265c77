// app.js - the studio page (UI thread). It owns the queue, the controls and what is on
// screen; the worker (studio.js -> studio-worker.js -> session.js) owns every pixel. The UI
// thread never loops over pixels: it draws bitmaps the worker made and saves bytes it sent.
import { createStudio } from './studio.js';
import { Viewer } from './ui/viewer.js';
import { ModelPanel } from './ui/model.js';
import { HintsMode } from './ui/hints.js';
import { MaskMode } from './ui/mask.js';
import { registerServiceWorker } from './ui/pwa.js';
import { formatFromName } from './formats.js';

const $ = (s) => document.querySelector(s);
const EXT = /\.(jpe?g|png|bmp)$/i;
// JPEG, PNG and BMP are the core's; any other image goes to the worker too, which asks the
// browser's decoder (WebP, AVIF, GIF, HEIC where it can). Only a file that says it is not an
// image is refused here.
const maybeImage = (file) => !file.type || file.type.startsWith('image/') || EXT.test(file.name) || !!formatFromName(file.name);
const SUFFIX = { colorize: 'colorized', enhance: 'enhanced', restore: 'restored', repair: 'repaired' };
const VERB = { colorize: 'Colorizing', enhance: 'Enhancing', restore: 'Restoring', repair: 'Healing' };
const DONE = { colorize: 'Colorized', enhance: 'Enhanced', restore: 'Restored', repair: 'Repaired' };
const LABEL = { colorize: 'Colorize', enhance: 'Enhance low-light', restore: 'Restore colour', repair: 'Repair' };
// the core's stage names (es_progress) as the progress line shows them; a mode's own first
const STAGES = { decode: 'Decoding', analyse: 'Measuring exposure and noise', enhance: 'Brightening, denoising, local contrast',
  network: 'Running the colorization network', encode: 'Encoding' };
const MODE_STAGES = { restore: { analyse: 'Measuring the fade', restore: 'Restoring the dyes' },
  repair: { detect: 'Finding dust and scratches', heal: 'Healing what is marked' } };
// Photos a mode can run on: open, finished, cancelled, or whose last run failed (out of
// memory, say: the photo itself is fine, and another try may work).
const RUNNABLE = ['ready', 'done', 'cancelled', 'failed'];
// Photos on their way in: waiting for the engine to start, or being opened. A mode clicked
// while the selected photo is one of them is kept (pending) and runs as they open.
const ARRIVING = ['queued', 'opening'];
const OPEN_IN_WORKER = 3; // decoded photos the worker keeps (12 MP: ~36 MB each, plus results)

let studio = null, engineError = '', model = null, mode = null, selected = null, working = null, restarting = false, nextKey = 1;
// pending: the mode clicked while its photos were still arriving, until it runs on the first
// of them (or the engine fails to start); engineStarted: true once the engine is up and its
// waiting photos are being opened, false if it could not start.
let pending = null, engineUp;
const engineStarted = new Promise((resolve) => { engineUp = resolve; });
const items = [];
const opened = []; // keys open in the worker, oldest first

const viewer = new Viewer({ canvas: $('#view'), box: $('#viewer'), split: $('#split'), level: $('#zoom-level') });
const hints = new HintsMode({
  studio: () => studio, viewer, photo: () => selected, ensureOpen: (item) => ensureOpen(item), options: () => options('colorize'),
  modelReady: () => !!model?.ready, message: (text) => showMessage(text), save: (bytes, name, type) => save(bytes, name, type),
  onActivate: () => { if (mode !== 'colorize') setMode('colorize'); }, onChange: () => updateControls(),
  el: {
    toggle: $('#hints-toggle'), tools: $('#hints-tools'), panel: $('#hints-panel'), colour: $('#hint-colour'),
    brush: $('#brush'), brushOut: $('#brush-size'), show: $('#show-hints'), undo: $('#hint-undo'), redo: $('#hint-redo'),
    remove: $('#hint-delete'), clear: $('#hint-clear'), exportButton: $('#hint-export'), importInput: $('#hint-import'),
    importButton: $('#hint-import-button'), status: $('#hint-status'), suggested: $('#suggested'), suggestNote: $('#suggest-note'),
    list: $('#hint-list'), listNote: $('#hint-list-note'),
  },
});

// Repair: the mask over the photo, a brush for it, Heal (ui/mask.js).
const mask = new MaskMode({
  studio: () => studio, viewer, photo: () => selected, ensureOpen: (item) => ensureOpen(item),
  detectOptions: () => { const { sensitivity, grow } = options('repair'); return { sensitivity, grow }; },
  message: (text) => showMessage(text), save: (bytes, name, type) => save(bytes, name, type), onChange: () => updateControls(),
  onHealed: (item) => { item.master = null; }, // the result changed in the worker: a master kept before is stale
  el: {
    tools: $('#mask-tools'), add: $('#mask-add'), erase: $('#mask-erase'), brush: $('#mask-brush'), brushOut: $('#mask-brush-size'),
    undo: $('#mask-undo'), redo: $('#mask-redo'), show: $('#show-mask'), status: $('#mask-status'), saveButton: $('#mask-save'),
    openInput: $('#mask-open'), openButton: $('#mask-open-button'), keys: $('#mask-keys'),
  },
});
// Heal: exactly the mask on screen, on the selected photo.
$('#heal').addEventListener('click', async () => {
  const item = selected;
  if (working || restarting || !item || !RUNNABLE.includes(item.status) || !mask.ready(item)) return;
  await run(item, 'repair');
});

// ---------------------------------------------------------------- start

async function start() {
  registerServiceWorker({ banner: $('#update'), button: $('#update-apply'), busy: () => !!working });
  const engine = $('#engine');
  try {
    studio = await createStudio();
    const simd = 'WebAssembly SIMD';
    // why one thread: the browser has no shared memory at all (WebKitGTK), or not on this page
    const why = studio.fallback ? ` (${studio.fallback})`
      : typeof SharedArrayBuffer !== 'function' ? ' (this browser does not allow shared memory, so no threads)'
      : crossOriginIsolated ? '' : ' (threads need a cross-origin isolated page; reload once it is installed)';
    engine.textContent = studio.build === 'mt' ? `Ready: ${studio.threads} threads, ${simd}` : `Ready: one thread, ${simd}${why}`;
    engine.dataset.state = 'ready';
    document.documentElement.dataset.build = studio.build;
  } catch (e) {
    engineError = `the engine could not start: ${e.message}`;
    engine.textContent = `The engine could not start: ${e.message}`;
    engine.dataset.state = 'error';
    engine.classList.add('error');
    for (const item of items) if (item.status === 'queued') fail(item, `${item.name}: not opened, ${engineError}`);
    if (pending) showMessage(`${LABEL[pending]} did not run: ${engineError}.`);
    pending = null;
    engineUp(false);
    updateControls();
    return;
  }
  // photos that arrived while the engine loaded open now, in the order they came
  for (const item of items) if (item.status === 'queued') state(item, 'queued', waitingText());
  pump();
  engineUp(true); // a pending mode's batch starts now, and takes the photos as they open
  model = new ModelPanel({
    studio: () => studio, status: $('#model-status'), bar: $('#model-bar'), fileInput: $('#model-file'),
    int8: $('#model-int8'), forget: $('#forget-model'), onChange: () => { updateControls(); hints.refresh(); },
  });
  await model.find();
  updateControls();
}

// ---------------------------------------------------------------- input

// Every way in (picker, drop, paste, the OS's launch queue) lands here, also before the
// engine is ready: the photos join the queue at once and open when it is.
function accept(files) {
  for (const file of files) add(file);
  if (studio) pump();
}

$('#open').addEventListener('change', (e) => { accept([...e.target.files]); e.target.value = ''; });

const drop = $('#drop');
window.addEventListener('dragover', (e) => { if (e.dataTransfer?.types.includes('Files')) { e.preventDefault(); drop.classList.add('over'); } });
window.addEventListener('dragleave', (e) => { if (!e.relatedTarget) drop.classList.remove('over'); });
window.addEventListener('drop', (e) => {
  if (!e.dataTransfer?.files.length) return;
  e.preventDefault();
  drop.classList.remove('over');
  accept([...e.dataTransfer.files]);
});
// a pasted image has no name of its own (or the browser's 'image.png'): it gets the time
const pasted = (files) => files.map((f) => (f.name && f.name !== 'image.png' ? f
  : new File([f], `pasted-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.${f.type === 'image/jpeg' ? 'jpg' : 'png'}`, { type: f.type })));
document.addEventListener('paste', (e) => {
  const files = [...(e.clipboardData?.files || [])];
  if (!files.length) return;
  e.preventDefault();
  accept(pasted(files));
});
if ('launchQueue' in window) { // opened from the OS as the photo's app (manifest file_handlers)
  window.launchQueue.setConsumer(async (params) => accept(await Promise.all(params.files.map((h) => h.getFile()))));
}

// ---------------------------------------------------------------- queue

function add(file) {
  const item = { key: `p${nextKey++}`, file, name: file.name || 'photo', status: 'queued', suggestion: null, done: null, master: null };
  const li = document.createElement('li');
  // The button is named by its file alone (its visible text), and the state beside it only
  // describes it: a state such as "Suggested: Colorize" must not make a second "Colorize" button.
  li.innerHTML = '<button type="button" class="item"><span class="thumb"></span><span class="name"></span></button><span class="state"></span>';
  li.querySelector('.name').textContent = item.name;
  li.querySelector('.state').id = `${item.key}-state`;
  li.querySelector('button').setAttribute('aria-describedby', `${item.key}-state`);
  li.querySelector('button').addEventListener('click', () => select(item));
  item.el = li;
  $('#queue').append(li);
  items.push(item);
  if (!maybeImage(file)) fail(item, `${item.name}: not a JPEG, PNG or BMP file (${file.type}), nor any other image`);
  else if (engineError) fail(item, `${item.name}: not opened, ${engineError}`);
  else state(item, 'queued', waitingText());
  if (!selected) select(item);
  updateControls();
}

// A queued photo's text: what it waits for, and what will happen to it then.
function waitingText() {
  if (!pending) return studio ? 'Waiting' : 'Waiting for the engine to start';
  return studio ? `Waiting; ${SUFFIX[pending]} once open` : `Waiting for the engine; ${SUFFIX[pending]} once it is ready`;
}

function state(item, status, text) {
  item.status = status;
  item.el.dataset.state = status;
  item.el.querySelector('.state').textContent = text;
  item.el.querySelector('.state').removeAttribute('role'); // fail() sets it again; a photo run again is no alert
}

// 'error': the photo cannot be opened; 'failed': a run on it failed (it can run again).
function fail(item, message, status = 'error') {
  item.error = message;
  state(item, status, message);
  item.el.querySelector('.state').setAttribute('role', 'alert');
  if (item === selected) showMessage(message);
}

// Open (decode) in the worker, evicting the oldest open photo other than `keep`.
async function ensureOpen(item) {
  if (opened.includes(item.key)) { opened.splice(opened.indexOf(item.key), 1); opened.push(item.key); return; }
  while (opened.length >= OPEN_IN_WORKER) {
    const old = items.find((i) => i.key === opened[0]);
    if (old && old.done && !old.master) await keepMaster(old);
    opened.shift();
    hints.lost(old?.key);
    mask.lost(old?.key);
    await studio.close(old?.key ?? '').catch(() => {});
  }
  const t0 = performance.now();
  const r = await studio.open(item.key, new Uint8Array(await item.file.arrayBuffer()), { thumb: 160, name: item.name, type: item.file.type });
  opened.push(item.key);
  item.info = r.info; item.suggestion = r.suggestion; item.fade = r.fade;
  item.el.dataset.openMs = Math.round(performance.now() - t0);
  if (r.thumb && !item.el.querySelector('.thumb canvas')) {
    const c = document.createElement('canvas');
    c.width = r.thumb.width; c.height = r.thumb.height;
    c.getContext('2d').drawImage(r.thumb, 0, 0);
    r.thumb.close();
    item.el.querySelector('.thumb').append(c);
  }
}

// A finished photo leaving the worker keeps its result as a lossless PNG (a Blob the
// browser may keep on disk), so "Download all" never needs the network again.
async function keepMaster(item) {
  item.master = new Blob([await studio.export(item.key, { format: 'png' })], { type: 'image/png' });
}

// Open queued photos one at a time (the worker does one thing at a time anyway).
let pumping = false, pumped = Promise.resolve();
function pump() {
  if (!pumping) pumped = openQueued();
  return pumped;
}
async function openQueued() {
  pumping = true;
  try {
    for (let item; (item = items.find((i) => i.status === 'queued'));) {
      state(item, 'opening', 'Opening…');
      try {
        await ensureOpen(item);
        state(item, 'ready', (pending && `Open; it will be ${SUFFIX[pending]} next`) || suggestionText(item) || item.info.description);
        item.el.title = item.info.description;
        if (item === selected) { await showInput(item); hints.select(item); mask.select(item); }
      } catch (e) {
        if (e.code === 'cancelled') { state(item, 'queued', waitingText()); break; }
        fail(item, `${item.name}: ${e.message}`);
      }
    }
  } finally {
    pumping = false;
    updateControls();
  }
}

function suggestionText(item) {
  return item.suggestion ? `Suggested: ${LABEL[item.suggestion]}` : '';
}

async function select(item) {
  selected = item;
  if (item.done && !working) setMode(item.done.mode); // its options are the ones on show
  for (const i of items) i.el.classList.toggle('selected', i === item);
  item.el.querySelector('button').setAttribute('aria-current', 'true');
  for (const i of items) if (i !== item) i.el.querySelector('button').removeAttribute('aria-current');
  if (item.status === 'error' || item.status === 'failed') showMessage(item.error);
  else showRestoreNote(item.done?.mode === 'restore' && item.status === 'done' ? restoreNote(item, JSON.parse(item.done.options)) : '');
  updateControls();
  if (item.status === 'error' || item.status === 'queued' || item.status === 'opening') { viewer.clear(); hints.select(item); mask.select(item); return; }
  if (restarting) return; // the worker is being replaced after a cancel: pump() shows it after
  await showInput(item);
  if (item.done) await showResult(item);
  if (selected === item) { hints.select(item); mask.select(item); } // its hints and their preview over a stale result; its mask
}

async function showInput(item) {
  if (!opened.includes(item.key)) await ensureOpen(item);
  const before = await studio.view(item.key, 'input');
  if (selected === item) viewer.show(before, null); else before.close();
  updateControls();
}

async function showResult(item) {
  if (!opened.includes(item.key) || !item.done) return;
  try {
    const after = await studio.view(item.key, 'result');
    if (selected === item) viewer.show(viewer.before, after); else after.close();
  } catch { /* the result was not kept (reopened after a cancel): the Before view stays */ }
}

// ---------------------------------------------------------------- modes and options

function options(forMode) {
  const f = $(`#options-${forMode}`);
  const num = (n) => Number(f.elements[n].value);
  const auto = (n) => (num(n) < 0 ? 'auto' : num(n)); // a slider's far-left notch
  if (forMode === 'enhance') return { strength: num('strength'), denoise: auto('denoise'), shadows: auto('shadows'), highlights: num('highlights'), sharpen: num('sharpen') };
  // Restore colour's sliders are in percent, and Repair's sensitivity
  if (forMode === 'restore') return { strength: num('strength') < 0 ? 'auto' : num('strength') / 100, contrast: num('contrast') / 100 };
  if (forMode === 'repair') return { sensitivity: num('sensitivity') / 100, grow: num('grow'), radius: num('radius') };
  return { vibrance: num('vibrance'), saturation: num('saturation'), size: num('size'), edgeAware: f.elements.edgeAware.checked, trust: num('trust') };
}

for (const b of document.querySelectorAll('.mode')) {
  b.addEventListener('click', () => {
    if (b.getAttribute('aria-disabled') === 'true') return;
    const m = b.dataset.mode;
    if (m === 'repair') { // Repair shows the damage found and waits for Heal: no batch
      setMode(m);
      if (pending) setPending(null);
      return;
    }
    if (m === 'colorize' && !model?.ready && !hints.count(selected)) {
      setMode(m);
      if (pending) setPending(null); // the mode waiting for the engine is not wanted any more
      showMessage('Colorize needs colour hints or the colorization model: turn on “Colour hints” and click the photo where a colour belongs, or load the model with “Load colorization model”.');
      $('#hints-toggle').focus();
      return;
    }
    setMode(m);
    // the selected photo is still on its way in (the engine is starting, or it is being
    // opened): the mode is kept, and the batch below runs it on the photos as they open
    if (!studio || ARRIVING.includes(selected.status)) setPending(m);
    runAll();
  });
}

function setPending(m) {
  pending = m;
  for (const item of items) if (item.status === 'queued') state(item, 'queued', waitingText());
  updateControls();
}

function setMode(m) {
  mode = m;
  if (m !== 'restore' && restoreNoteShown) showMessage(''); // why Restore colour left a photo: not news in another mode
  for (const b of document.querySelectorAll('.mode')) b.setAttribute('aria-pressed', String(b.dataset.mode === m));
  for (const f of document.querySelectorAll('form.panel')) f.hidden = f.dataset.mode !== m;
  hints.setMode(m);
  mask.setMode(m);
  updateControls();
}

// The selected photo first, then every other photo with no result yet (a photo already done
// in either mode keeps its result: select it to redo it), including photos still being
// opened when the batch started. A batch asked for before the engine is ready waits for it
// (and reads the mode then: a mode clicked meanwhile is the one that runs), and ends if the
// engine cannot start; a mode clicked while the batch waits for photos to open runs next.
let batching = false;
async function runAll() {
  if (working || batching) return;
  batching = true;
  try {
    if (!(await engineStarted)) return;
    let want;
    do { want = mode; await batch(); } while (mode !== want && pending === mode);
  } finally {
    batching = false;
    if (pending) setPending(null); // nothing (more) to run it on: its photos failed to open
  }
}

async function batch() {
  const want = mode, opts = JSON.stringify(options(want)), tried = new Set();
  const first = selected;
  // without the model, only photos with colour hints can be colorized
  const can = (i) => want !== 'colorize' || model?.ready || hints.count(i) > 0;
  const next = () => [first, ...items].find((i) => i && !tried.has(i) && RUNNABLE.includes(i.status) && can(i) &&
    (i === first ? !(i.done?.mode === want && i.done.options === opts && !hints.stale(i)) : !i.done));
  while (mode === want) {
    const item = next();
    if (!item) {
      if (!pumping) break;
      await pumped; // more photos are being opened: they belong to this batch too
      continue;
    }
    tried.add(item);
    if (pending) setPending(null); // it runs now: the queue and the progress say so from here
    if (!(await run(item, want))) break;
  }
}

async function run(item, m) {
  const opts = options(m);
  working = item;
  updateControls();
  const t0 = performance.now();
  state(item, 'working', `${VERB[m]}…`);
  progress(true, `${VERB[m]} ${item.name}`, 0);
  try {
    await ensureOpen(item);
    if (m === 'colorize') await hints.flush(item); // the worker renders the hints it has: the current ones
    if (m === 'repair') await mask.flush(item); // it heals the mask it has: the one on screen
    const running = studio.run(item.key, m, {
      ...opts,
      onProgress: (stage, f) => {
        progress(true, `${MODE_STAGES[m]?.[stage] || STAGES[stage] || stage}: ${item.name}`, f);
        state(item, 'working', `${VERB[m]} ${Math.round(f * 100)}%`);
      },
    });
    if (m === 'colorize') hints.rendering(item); // posted just now: it renders the hints the worker was last sent
    const r = await running;
    if (m === 'colorize') hints.rendered(item);
    item.done = { mode: m, options: JSON.stringify(opts), size: [r.width, r.height] };
    item.master = null;
    item.el.dataset.runMs = Math.round(performance.now() - t0);
    item.el.dataset.lightBefore = r.before.lightness.toFixed(4);
    item.el.dataset.lightAfter = r.look.lightness.toFixed(4);
    if (r.fade) item.fade = r.fade;
    state(item, 'done', m === 'restore' ? restoredText(item, opts) : DONE[m]);
    if (item === selected && m === 'restore') { showRestoreNote(restoreNote(item, opts)); showAutoStrength(); }
    if (item === selected) { await showResult(item); item.el.dataset.shownMs = Math.round(performance.now() - t0); }
    return true;
  } catch (e) {
    if (e.code === 'cancelled') { state(item, 'cancelled', 'Cancelled'); return false; }
    fail(item, `${item.name}: ${e.message}`, 'failed');
    return true; // one photo failing never stops the batch
  } finally {
    working = null;
    progress(false);
    updateControls();
  }
}

// A slider whose range starts below 0 has an "auto" notch there (denoise, shadows, Restore
// colour's strength); data-unit="%": its value is in percent.
const sliderText = (input) => (Number(input.min) < 0 && Number(input.value) < 0 ? 'auto'
  : input.dataset.unit === '%' ? `${Math.round(Number(input.value))}%`
    : input.dataset.unit === 'px' ? `${Math.round(Number(input.value))} px` : Number(input.value).toFixed(2));

// Restore colour with strength auto: the strength the analysis of the selected photo gives,
// beside "auto" (the fade is measured when the photo opens).
function showAutoStrength() {
  const input = $('#restore-strength'), fade = selected?.fade;
  input.form.querySelector('output[for="restore-strength"]').value = Number(input.value) < 0 && fade
    ? `auto (${Math.round(fade.strength * 100)}%)` : sliderText(input);
}

// A restored photo's queue state, and what the page says when auto left it as it was: with
// strength 'auto', a photo with no sign of a fade, or a monochrome print, is returned
// unchanged (the core's rule), and the user is told why and what to do instead.
function restoredText(item, opts) {
  return opts.strength === 'auto' && item.fade?.strength === 0 ? 'Unchanged: no fade found' : DONE.restore;
}
function restoreNote(item, opts) {
  if (opts.strength !== 'auto' || !item.fade || item.fade.strength > 0) return '';
  return item.fade.colour < 0.5
    ? `${item.name} looks like a monochrome print (grey or toned), so Restore colour left it unchanged: Colorize gives it colour.`
    : `Restore colour found no fade in ${item.name} and left it unchanged: move Strength off “auto” to apply the estimated correction anyway.`;
}

// Option changes rerun the selected photo (colorize: from the cached distribution, fast).
let rerunTimer = 0;
for (const f of document.querySelectorAll('form.panel')) {
  f.addEventListener('submit', (e) => e.preventDefault());
  f.addEventListener('input', (e) => {
    const out = f.querySelector(`output[for="${e.target.id}"]`);
    if (out) out.value = sliderText(e.target);
    if (f.dataset.mode === 'restore') showAutoStrength();
    if (e.target.name === 'sensitivity' || e.target.name === 'grow') mask.refresh(); // Repair's: the damage found again with them
    clearTimeout(rerunTimer);
    rerunTimer = setTimeout(rerun, 200);
    if (f.dataset.mode === 'colorize') hints.refresh();
  });
  f.addEventListener('reset', () => setTimeout(() => {
    for (const out of f.querySelectorAll('output')) out.value = sliderText($(`#${out.htmlFor.value}`));
    if (f.dataset.mode === 'restore') showAutoStrength();
    if (f.dataset.mode === 'repair') mask.refresh();
    rerun();
  }));
}

async function rerun() {
  const item = selected;
  if (!item || !item.done || item.done.mode !== mode) return;
  if (working) { rerunTimer = setTimeout(rerun, 200); return; }
  if (item.done.options !== JSON.stringify(options(mode))) await run(item, mode);
}

// ---------------------------------------------------------------- progress and cancel

function progress(on, text, fraction) {
  const p = $('#progress');
  p.classList.toggle('idle', !on); // hidden but holding its space: nothing below jumps
  p.setAttribute('aria-hidden', String(!on));
  $('#cancel').disabled = !on;
  if (!on) return;
  $('#stage').textContent = text;
  $('#bar').value = fraction ?? 0;
}

// A cancel replaces the worker (a busy one cannot be interrupted otherwise): its open
// photos are gone, and results not yet kept as a master with them; the studio loads the
// model into the new worker itself.
$('#cancel').addEventListener('click', async () => {
  if (!studio || restarting) return;
  restarting = true; // until the new worker has started, nothing may be sent to it
  opened.length = 0;
  hints.lostAll();
  mask.lostAll();
  showMessage('Cancelled.');
  updateControls();
  try {
    await studio.cancel();
    for (const item of items) {
      if (item.done && !item.master) { item.done = null; state(item, 'ready', 'Cancelled: run again'); }
    }
  } finally {
    restarting = false;
    updateControls();
    pump();
  }
});

// ---------------------------------------------------------------- output

// The download format: 'auto' (the default) follows the photo, a JPEG staying JPEG and
// anything else becoming lossless PNG; a format or quality the user picks is remembered in
// this browser and wins for every photo after. Storage may be refused (private windows).
const SAVE_KEYS = { format: 'studio.save.format', quality: 'studio.save.quality' };
const remember = (key, value) => { try { localStorage.setItem(key, value); } catch { /* not kept: fine */ } };
const recall = (key) => { try { return localStorage.getItem(key); } catch { return null; } };
{
  const format = recall(SAVE_KEYS.format), quality = Number(recall(SAVE_KEYS.quality));
  if ([...$('#format').options].some((o) => o.value === format)) $('#format').value = format;
  if (quality >= 50 && quality <= 100) $('#quality').value = $('#quality-row output').value = String(Math.round(quality));
}
$('#format').addEventListener('change', () => { remember(SAVE_KEYS.format, $('#format').value); showQuality(); });
$('#quality').addEventListener('input', () => { $('#quality-row output').value = $('#quality').value; remember(SAVE_KEYS.quality, $('#quality').value); });

/** {format, quality, ext, type} the photo downloads as (see above). */
function outputFormat(item) {
  const chosen = $('#format').value;
  const format = chosen !== 'auto' ? chosen : item?.info?.format === 'jpeg' ? 'jpeg' : 'png';
  const quality = Number($('#quality').value); // PNG ignores it
  return format === 'jpeg' ? { format, quality, ext: 'jpg', type: 'image/jpeg' } : { format, quality, ext: 'png', type: 'image/png' };
}

// the quality slider matters only when the selected photo would download as JPEG
function showQuality() { $('#quality-row').hidden = outputFormat(selected).format !== 'jpeg'; }

function outputName(item) {
  const base = item.name.replace(/\.[^.]*$/, '') || 'photo';
  return `${base}-${SUFFIX[item.done.mode]}.${outputFormat(item).ext}`;
}

async function outputBytes(item) {
  const { format, quality } = outputFormat(item);
  if (opened.includes(item.key)) return studio.export(item.key, { format, quality });
  const png = new Uint8Array(await item.master.arrayBuffer());
  if (format === 'png') return png;
  return studio.transcode(png, { format, quality });
}

function save(bytes, name, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement('a');
  a.href = url; a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

// A result to save, or colour hints changed since it and to be rendered first.
function downloadable(item) {
  if (!item || !RUNNABLE.includes(item.status)) return false;
  return hints.stale(item) ? hints.count(item) > 0 || !!model?.ready : !!item.done && item.status === 'done';
}

// Colour hints changed since the photo's last full-size result: render it, as Colorize does.
async function current(item) {
  if (hints.stale(item) && downloadable(item)) await run(item, 'colorize');
  return !!item.done && item.status === 'done'; // false: the run failed, and said why
}

$('#download').addEventListener('click', async () => {
  const item = selected;
  if (working || !downloadable(item) || !(await current(item))) return;
  try {
    save(await outputBytes(item), outputName(item), outputFormat(item).type);
  } catch (e) {
    showMessage(`Could not save ${item.name}: ${e.message}`);
  }
});

$('#download-all').addEventListener('click', async () => {
  if (working) return;
  for (const item of items) if (item.done && hints.stale(item)) await current(item);
  const done = items.filter((i) => i.done && i.status === 'done');
  if (!done.length) return;
  progress(true, `Packing ${done.length} photos`, 0);
  try {
    const entries = [];
    for (const [n, item] of done.entries()) {
      entries.push({ name: outputName(item), bytes: await outputBytes(item) });
      progress(true, `Packing ${item.name}`, (n + 1) / (done.length + 1));
    }
    save(await studio.zip(entries), `enhancement-studio-${new Date().toISOString().slice(0, 10)}.zip`, 'application/zip');
  } catch (e) {
    showMessage(`Could not pack the photos: ${e.message}`);
  } finally {
    progress(false);
  }
});

$('#clear').addEventListener('click', () => {
  if (working || restarting) return;
  // forget everything now (photos added from here on are a new queue), free the worker after
  const keys = opened.splice(0);
  items.length = 0;
  hints.reset();
  mask.reset();
  $('#queue').replaceChildren();
  selected = null;
  viewer.clear();
  showMessage('');
  updateControls();
  for (const key of keys) studio.close(key).catch(() => {});
});

// ---------------------------------------------------------------- chrome

let restoreNoteShown = false; // the message is restoreNote()'s, which belongs to Restore colour's mode
function showMessage(text) { $('#message').textContent = text; restoreNoteShown = false; }
function showRestoreNote(text) { showMessage(text); restoreNoteShown = !!text; }

function updateControls() {
  const busy = !!working || restarting, item = selected;
  for (const b of document.querySelectorAll('.mode')) {
    // aria-disabled, not disabled: the button that started a run keeps the keyboard focus
    // through it (a disabled button drops it to <body>), and Enter on it again does nothing
    // (a photo still arriving takes a mode too: it is kept until the photo opens)
    const takes = !!item && (RUNNABLE.includes(item.status) || (ARRIVING.includes(item.status) && !engineError));
    b.setAttribute('aria-disabled', String(busy || !takes));
    b.classList.toggle('suggested', !!item && item.suggestion === b.dataset.mode);
    // pending: pressed (setMode), busy, and saying what it waits for in its visible text
    const waits = pending === b.dataset.mode;
    if (waits) b.setAttribute('aria-busy', 'true'); else b.removeAttribute('aria-busy');
    b.querySelector('.mode-note').textContent = waits ? ` — waiting for ${studio ? 'the photo to open' : 'the engine'}` : '';
  }
  $('#suggestion').textContent = pending && item ? `${item.name} will be ${SUFFIX[pending]} once ${studio ? 'it is open' : 'the engine is ready'}.`
    : item && !busy ? suggestionText(item) : '';
  $('#download').disabled = busy || !downloadable(item);
  showAutoStrength();
  showQuality();
  $('#hints-toggle').disabled = !studio;
  $('#heal').disabled = busy || !item || !RUNNABLE.includes(item.status) || !mask.ready(item);
  $('#download-all').disabled = busy || !items.some((i) => i.done && i.status === 'done');
  $('#clear').disabled = busy || !items.length;
  $('#empty').hidden = !!item;
  $('#viewer').setAttribute('aria-label', !item ? 'No photo open' : hints.active
    ? `${item.name}: colour hints. Click to place a colour, drag to paint; Enter places a hint at the middle, arrow keys move the selected hint, Delete removes it; + and - zoom.`
    : mask.active ? `${item.name}: the damage marked in magenta. Drag to mark more (or erase, with Erase mark); right-drag or space + drag pans; Enter shows a brush at the middle, then puts its pen down and lifts it, arrow keys move it, Esc puts it away; + and - zoom.`
    : `${item.name}: before and after. Drag to pan, wheel or pinch to zoom; arrow keys pan, + and - zoom.`);
  $('#view').setAttribute('aria-label', !item ? 'No photo open' : item.done && item.status === 'done'
    ? `${item.name}, ${SUFFIX[item.done.mode]}: the original left of the split, the result right of it` : `${item.name}, the original`);
}

for (const b of document.querySelectorAll('[data-zoom]')) b.addEventListener('click', () => viewer.zoom(b.dataset.zoom));
$('#about-open').addEventListener('click', () => $('#about').showModal());
$('#about-close').addEventListener('click', () => $('#about').close());
setMode('enhance');
updateControls();
// photos given before this module ran (ui/early.js kept them), in the order they came; its
// listeners go in this same task, so from here on every photo comes through the ones above
for (const { kind, files } of window.studioEarly?.() || []) accept(kind === 'paste' ? pasted(files) : files);
start();
