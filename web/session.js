// session.js - the worker's side of the studio page: photos opened once and kept here, by
// key, with their latest result, so the UI thread holds only bitmaps to draw and files to
// download, and an option change reruns from the decoded pixels (colorize from the model's
// cached distribution) instead of shipping 36 MB per 12 MP image across threads.
import { zip } from './zip.js';
import { StudioError } from './core.js';

// How a photo looks, from every 16th pixel: mean lightness 0..1 and mean chroma.
function looks({ width, height, channels, data }) {
  let sum = 0, chroma = 0, n = 0;
  const step = Math.max(1, Math.floor((width * height) / 250000));
  for (let p = 0; p < width * height; p += step, n++) {
    const i = p * channels;
    const r = data[i], g = channels >= 3 ? data[i + 1] : r, b = channels >= 3 ? data[i + 2] : r;
    sum += 0.2126 * r + 0.7152 * g + 0.0722 * b;
    chroma += Math.max(r, g, b) - Math.min(r, g, b);
  }
  return { lightness: sum / n / 255, chroma: chroma / n };
}

// Grey photos want colour; dark ones want light. Grey: chroma (max - min channel) under 2
// levels, or under 3% of the mean level, so a dark colour photo, whose chroma is small in
// levels, still counts as colour. Dark: mean lightness under 0.25, where most DICM and all
// LIME photos sit and no Kodak photo (the darkest, kodim18, is at 0.28).
export function suggest(look, channels) {
  const relative = look.chroma / Math.max(1, look.lightness * 255);
  if (channels <= 2 || look.chroma < 2 || relative < 0.03) return 'colorize';
  if (look.lightness < 0.25) return 'enhance';
  return null;
}

// Canvas pixels are RGBA; the core gives 1 to 4 channels.
function rgba({ width, height, channels, data }) {
  if (channels === 4) return new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, o = 0; o < out.length; i += channels, o += 4) {
    const grey = channels <= 2;
    out[o] = data[i];
    out[o + 1] = grey ? data[i] : data[i + 1];
    out[o + 2] = grey ? data[i] : data[i + 2];
    out[o + 3] = channels === 2 ? data[i + 1] : 255;
  }
  return out;
}

function bitmap(image) {
  if (typeof createImageBitmap !== 'function') return null; // Node: no bitmaps, the tests read pixels
  return createImageBitmap(new ImageData(rgba(image), image.width, image.height));
}

export function sessionOps(getCore) {
  const photos = new Map(); // key -> { input, info, look, result, mode }
  const photo = (key) => {
    const p = photos.get(key);
    if (!p) throw new StudioError('argument', 'that photo is no longer open here');
    return p;
  };
  return {
    /** Decode and keep a photo; its facts, a suggested mode and a thumbnail bitmap. */
    async open(key, bytes, { thumb = 160 } = {}) {
      const core = getCore();
      const info = core.probe(bytes);
      const input = core.decode(bytes), look = looks(input);
      photos.set(key, { input, info, look, result: null, mode: null });
      const s = Math.min(1, thumb / Math.max(input.width, input.height));
      const small = s < 1 ? core.resize(input, Math.max(1, Math.round(input.width * s)), Math.max(1, Math.round(input.height * s)), { filter: 'area' }) : input;
      return { info, look, suggestion: suggest(look, input.channels), thumb: await bitmap(small) };
    },
    /** A full-resolution bitmap of the photo ('input') or its latest result. */
    async view(key, which = 'input') {
      const p = photo(key);
      const image = which === 'result' ? p.result : p.input;
      if (!image) throw new StudioError('argument', 'no result yet');
      return bitmap(image);
    },
    /** Run a mode on the kept photo; the result is kept and its look returned. */
    run(key, mode, options = {}) {
      const core = getCore(), p = photo(key);
      p.result = mode === 'colorize' ? core.colorize(p.input, options) : core.enhance(p.input, options);
      p.mode = mode;
      return { width: p.result.width, height: p.result.height, look: looks(p.result), before: p.look };
    },
    /** The latest result encoded: PNG or JPEG bytes. */
    export(key, { format = 'png', quality = 90 } = {}) {
      const p = photo(key);
      if (!p.result) throw new StudioError('argument', 'nothing to download yet: run a mode first');
      return getCore().encode(p.result, { format, quality });
    },
    close(key) { return photos.delete(key); },
    /** Encoded bytes in, re-encoded bytes out (a kept PNG master as JPEG), pixels staying here. */
    transcode(bytes, { format = 'png', quality = 90 } = {}) {
      const core = getCore();
      return core.encode(core.decode(bytes), { format, quality });
    },
    /** [{name, bytes}] -> one ZIP archive's bytes. */
    zip: (entries) => zip(entries),
  };
}
