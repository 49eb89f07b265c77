// app.js - the page (UI thread): hands files to the studio worker and shows what comes
// back. It never touches pixels beyond putting the decoded result on a canvas.
import { createStudio } from './studio.js';

const $ = (s) => document.querySelector(s);
const engine = $('#engine');
let studio;

async function start() {
  try {
    studio = await createStudio();
    engine.textContent = `Engine ready (${studio.build === 'mt' ? `${studio.threads} threads` : 'single thread'}, WebAssembly SIMD)`;
    document.documentElement.dataset.build = studio.build;
  } catch (e) {
    engine.textContent = `The engine could not start: ${e.message}`;
    engine.classList.add('error');
  }
}

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
    const canvas = document.createElement('canvas');
    canvas.width = img.width; canvas.height = img.height;
    canvas.getContext('2d').putImageData(toImageData(img), 0, 0);
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${file.name}, decoded`);
    line.textContent = info.description;
    li.append(canvas);
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
