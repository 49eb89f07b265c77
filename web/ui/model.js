// model.js - the colorization model on the page side: found in this browser's private
// storage (OPFS, IndexedDB where OPFS is missing) or offered by the site (models/index.json),
// else loaded from the user's disk, converted in the worker and kept. Synthetic test models
// are never offered by a site: the dev server serves only converted files it was pointed at.

const NAME = 'eccv16.bin';
// The caffemodel is the only file needed: the 313 ab bin centres are built into the core.
const NO_MODEL = 'No colorization model yet. Colorize needs the released weights (colorization_release_v2.caffemodel, about 129 MB; ' +
  'where to get it: below). Load the file from your disk: it is checked, converted and kept in this browser, never uploaded.';

// What the conversion decided about int8, shown with the model from then on.
const NOTE = 'es-model-precision';
const ab = (v) => v.toFixed(2);
function verdict({ precision, int8 }) {
  if (int8?.refused) return `f16: int8 changed colours by ${ab(int8.p99)} a*b* units on the check images (int8 is kept only within ${int8.bound.toFixed(1)}), so the weights are kept in f16 and run in f32`;
  if (int8) return `int8, checked: colours within ${ab(int8.p99)} a*b* units of f32 on the check images`;
  return precision === 'f16' ? 'f16, run in f32' : precision;
}

// ---- storage: OPFS first, IndexedDB as the fallback ----
async function opfs() { try { return await navigator.storage.getDirectory(); } catch { return null; } }

function idb(mode, fn) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('enhancement-studio', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('files');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction('files', mode), req = fn(tx.objectStore('files'));
      tx.oncomplete = () => { open.result.close(); resolve(req?.result); };
      tx.onerror = () => { open.result.close(); reject(tx.error); };
    };
  });
}

// OPFS where it can write (Safari's main thread cannot: no createWritable), else IndexedDB.
const store = {
  async read() {
    const dir = await opfs();
    try { if (dir) return new Uint8Array(await (await (await dir.getFileHandle(NAME)).getFile()).arrayBuffer()); } catch { /* not there */ }
    try { const b = await idb('readonly', (s) => s.get(NAME)); return b ? new Uint8Array(b) : null; } catch { return null; }
  },
  async write(bytes) {
    const dir = await opfs();
    try {
      const w = await (await dir.getFileHandle(NAME, { create: true })).createWritable();
      await w.write(bytes);
      await w.close();
      return;
    } catch { /* no OPFS writer here */ }
    await idb('readwrite', (s) => s.put(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), NAME));
  },
  async remove() {
    const dir = await opfs();
    await dir?.removeEntry(NAME).catch(() => {});
    await idb('readwrite', (s) => s.delete(NAME)).catch(() => {});
  },
};

// The first visit fetches the model before the service worker controls the page, so the
// worker never sees it: keep what the site offered in the worker's model cache (the name
// sw.js uses) here, and Colorize works offline from the first visit on.
async function keepOffline(url, body, type) {
  try {
    const cache = await caches.open('studio-models');
    if (!await cache.match(url)) await cache.put(url, new Response(body, { headers: { 'Content-Type': type } }));
  } catch { /* no Cache API outside secure contexts: offline from the second visit */ }
}

export class ModelPanel {
  constructor({ studio, status, bar, fileInput, int8, forget, onChange }) {
    Object.assign(this, { studio, status, bar, fileInput, int8, forget, onChange });
    this.ready = false; this.source = null;
    fileInput.addEventListener('change', () => this.fromDisk());
    forget.addEventListener('click', () => this.forgetIt());
  }

  set(ready, text) {
    this.ready = ready;
    this.status.textContent = text;
    this.forget.hidden = !ready || this.source !== 'stored';
    this.bar.hidden = true;
    this.onChange?.(ready);
  }

  progress(text, fraction) {
    this.status.textContent = text;
    this.bar.hidden = false;
    if (fraction === undefined) this.bar.removeAttribute('value'); else this.bar.value = fraction;
  }

  /** Kept in this browser, else offered by the site, else explain. Also after a cancel
   *  (the worker was replaced and lost the model). */
  async find() {
    const kept = await store.read();
    let note = null;
    try { note = localStorage.getItem(NOTE); } catch { /* none */ }
    if (kept && await this.use(kept, 'stored', `${note ? `${note}, ` : ''}kept in this browser`)) return;
    const offered = await fetch('models/index.json').then((r) => (r.ok ? r.json() : { models: [] })).catch(() => ({ models: [] }));
    if (offered.models?.length) await keepOffline('models/index.json', JSON.stringify(offered), 'application/json');
    // f16 first: the fastest exact mode in WASM at int8's memory (src/net/README.md)
    for (const p of ['f16', 'int8', 'f32']) {
      const name = `eccv16-${p}.bin`;
      if (!offered.models?.includes(name)) continue;
      try {
        const bytes = await this.download(`models/${name}`, p);
        await keepOffline(`models/${name}`, bytes, 'application/octet-stream');
        if (await this.use(bytes, 'site', `from this site, ${p}`)) return;
      } catch (e) {
        this.set(false, `The site's colorization model could not be fetched: ${e.message}`);
        return;
      }
    }
    this.set(false, NO_MODEL);
  }

  // Fetch with progress; the service worker keeps a copy for offline use.
  async download(url, label) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const total = Number(res.headers.get('Content-Length')) || 0, parts = [];
    let got = 0;
    for (const reader = res.body.getReader(); ;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value); got += value.length;
      this.progress(`Downloading the colorization model (${label}): ${(got / 1048576).toFixed(0)} MB${total ? ` of ${(total / 1048576).toFixed(0)} MB` : ''}`, total ? got / total : undefined);
    }
    const bytes = new Uint8Array(got);
    let at = 0;
    for (const p of parts) { bytes.set(p, at); at += p.length; }
    return bytes;
  }

  async use(bytes, source, where) {
    this.progress('Loading the colorization model…');
    try {
      await this.studio().loadModel(bytes, { onProgress: (stage, f) => this.progress(`Loading the colorization model: ${stage}`, f) });
      this.source = source;
      this.set(true, `Colorization model ready (${where}).`);
      return true;
    } catch (e) {
      this.set(false, `The colorization model could not be used: ${e.message}`);
      return false;
    }
  }

  async fromDisk() {
    const file = this.fileInput.files[0];
    this.fileInput.value = '';
    if (!file) return;
    let note = '';
    try {
      this.progress(`Reading ${file.name}…`);
      let bytes = new Uint8Array(await file.arrayBuffer());
      if (new TextDecoder().decode(bytes.subarray(0, 7)) !== 'ESMODEL') {
        this.progress(`Checking and converting ${file.name} (a minute for the 129 MB file)…`);
        // f16 by default: run in f32, exact to its file, the fastest mode in WASM and a 12 MP
        // photo within 320 MB (models/README.md); int8 when asked for, where the core proves
        // it on its check images, else f16, said so here
        const precision = this.int8?.checked ? 'int8' : 'f16';
        const c = await this.studio().convertModel(bytes, { precision, onProgress: (stage, f) => this.progress(`Converting ${file.name}: ${stage}…`, f) });
        bytes = c.bytes;
        note = verdict(c);
        try { localStorage.setItem(NOTE, note); } catch { /* private mode: said once, now */ }
      } else {
        try { localStorage.removeItem(NOTE); } catch { /* nothing kept */ }
      }
      let kept = true;
      try { await store.write(bytes); } catch { kept = false; }
      await this.use(bytes, kept ? 'stored' : 'disk', `${file.name}${note ? `, ${note}` : ''}${kept ? ', kept in this browser' : '; this browser could not keep it'}`);
    } catch (e) {
      this.set(this.ready, `${file.name}: ${e.message}`);
    }
  }

  async forgetIt() {
    await store.remove();
    try { localStorage.removeItem(NOTE); } catch { /* nothing kept */ }
    this.source = null;
    this.set(false, 'The colorization model was removed from this browser. Load it again to colorize.');
  }
}
