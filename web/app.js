// app.js - the page (UI thread): hands files to the studio worker and shows what comes
// back. It never touches pixels beyond putting results on a canvas. The full studio UI is
// its own issue; this is the working minimal path: open, decode, enhance, colorize, and
// load the colorization model from the server or the user's disk, kept in this browser.
import { createStudio } from './studio.js';

const $ = (s) => document.querySelector(s);
const engine = $('#engine'), modelStatus = $('#model-status');
const STORED = 'eccv16.bin';
let studio, haveModel = false;

async function start() {
  try {
    studio = await createStudio();
    engine.textContent = `Engine ready (${studio.build === 'mt' ? `${studio.threads} threads` : 'single thread'}, WebAssembly SIMD)`;
    document.documentElement.dataset.build = studio.build;
  } catch (e) {
    engine.textContent = `The engine could not start: ${e.message}`;
    engine.classList.add('error');
    return;
  }
  await findModel();
}

// ---- the colorization model: kept in this browser, or served next to the page ----

async function storage() {
  try { return await navigator.storage.getDirectory(); } catch { return null; }
}

async function findModel() {
  const dir = await storage();
  try {
    const file = await (await dir?.getFileHandle(STORED))?.getFile();
    if (file) { await useModel(new Uint8Array(await file.arrayBuffer()), 'stored in this browser'); return; }
  } catch { /* nothing stored */ }
  // A site that serves converted models lists them in models/index.json (tools/studio serve does).
  const offered = await fetch('models/index.json').then((r) => (r.ok ? r.json() : { models: [] })).catch(() => ({ models: [] }));
  for (const p of ['int8', 'f16', 'f32']) {
    const name = `eccv16-${p}.bin`;
    if (!offered.models?.includes(name)) continue;
    const res = await fetch(`models/${name}`);
    if (res.ok) { await useModel(new Uint8Array(await res.arrayBuffer()), `from this site (${p})`); return; }
  }
  setModelStatus(false, 'No colorization model yet. Colorize needs the released weights (colorization_release_v2.caffemodel, about 129 MB, from the authors of "Colorful Image Colorization"). Load the file from your disk: it is converted and kept in this browser, never uploaded.');
}

function setModelStatus(ok, text) {
  haveModel = ok;
  modelStatus.textContent = text;
  $('#forget-model').hidden = !ok;
  for (const b of document.querySelectorAll('button[data-op="colorize"]')) b.disabled = !ok;
}

async function useModel(bytes, where) {
  modelStatus.textContent = 'Loading the colorization model…';
  try {
    await studio.loadModel(bytes);
    setModelStatus(true, `Colorization model ready (${where}).`);
  } catch (e) {
    setModelStatus(false, `The colorization model could not be used: ${e.message}`);
  }
}

$('#model-file').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  e.target.value = '';
  if (!file) return;
  try {
    let bytes = new Uint8Array(await file.arrayBuffer());
    const converted = String.fromCharCode(...bytes.subarray(0, 7)) === 'ESMODEL';
    if (!converted) {
      modelStatus.textContent = `Checking and converting ${file.name}…`;
      const ptsFile = $('#pts-file').files[0];
      const pts = ptsFile ? new Uint8Array(await ptsFile.arrayBuffer()) : undefined;
      bytes = await studio.convertModel(bytes, { pts, precision: 'f16' });
    }
    const dir = await storage();
    if (dir) {
      const w = await (await dir.getFileHandle(STORED, { create: true })).createWritable();
      await w.write(bytes);
      await w.close();
    }
    await useModel(bytes, dir ? `${file.name}, kept in this browser` : file.name);
  } catch (err) {
    setModelStatus(haveModel, `${file.name}: ${err.message}`);
  }
});

$('#forget-model').addEventListener('click', async () => {
  const dir = await storage();
  await dir?.removeEntry(STORED).catch(() => {});
  setModelStatus(false, 'The colorization model was removed from this browser. Load it again to colorize.');
});

// ---- images ----

// Canvas wants RGBA; the core returns 1-4 channels.
function toImageData({ width, height, channels, data }) {
  const out = new ImageData(width, height);
  for (let i = 0, o = 0; o < out.data.length; i += channels, o += 4) {
    const grey = channels <= 2;
    out.data[o] = data[i];
    out.data[o + 1] = grey ? data[i] : data[i + 1];
    out.data[o + 2] = grey ? data[i] : data[i + 2];
    out.data[o + 3] = channels === 2 || channels === 4 ? data[i + channels - 1] : 255;
  }
  return out;
}

function canvasOf(img, label) {
  const canvas = document.createElement('canvas');
  canvas.width = img.width; canvas.height = img.height;
  canvas.getContext('2d').putImageData(toImageData(img), 0, 0);
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  return canvas;
}

async function show(file) {
  const li = document.createElement('li');
  const name = document.createElement('div');
  const line = document.createElement('div');
  name.className = 'name'; name.textContent = file.name;
  line.className = 'muted'; line.textContent = 'Decoding…';
  li.append(name, line);
  $('#results').prepend(li);
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const info = await studio.info(bytes);
    const img = await studio.decode(bytes);
    line.textContent = info.description;
    const ops = document.createElement('div');
    ops.className = 'ops';
    const result = { canvas: null };
    for (const [op, label] of [['colorize', 'Colorize'], ['enhance', 'Enhance low-light']]) {
      const b = document.createElement('button');
      b.type = 'button'; b.textContent = label; b.dataset.op = op;
      if (op === 'colorize') { b.disabled = !haveModel; b.title = 'Needs the colorization model (see above)'; }
      b.addEventListener('click', async () => {
        b.disabled = true;
        line.textContent = `${label}…`;
        try {
          const out = op === 'colorize' ? await studio.colorize(img) : await studio.enhance(img);
          const c = canvasOf(out, `${file.name}, ${op === 'colorize' ? 'colorized' : 'enhanced'}`);
          c.dataset.result = op;
          result.canvas ? result.canvas.replaceWith(c) : li.append(c);
          result.canvas = c;
          line.textContent = info.description;
        } catch (e) {
          line.className = 'error';
          line.textContent = `${file.name}: ${e.message}`;
        } finally {
          b.disabled = op === 'colorize' && !haveModel;
        }
      });
      ops.append(b);
    }
    li.append(ops, canvasOf(img, `${file.name}, decoded`));
  } catch (e) {
    line.className = 'error';
    line.textContent = `${file.name}: ${e.message}`;
  }
}

$('#open').addEventListener('change', async (e) => {
  if (!studio) return;
  for (const f of e.target.files) await show(f);
  e.target.value = '';
});

start();
