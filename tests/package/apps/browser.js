// browser.js - the whole app of the three browser consumers, as a user of the package writes
// it (Vite: src/main.js, webpack: src/index.js, the import-map page: main.js). Importing the
// API must fetch nothing heavy: the studio starts only when the test calls window.__go(), so
// the test can check that no .wasm was requested before. __go takes the photos' bytes as
// base64 and answers (and leaves in window.__results) the two results as base64 PNGs.
import { createStudio } from 'enhancement-studio';

const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
function toBase64(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

window.__go = async ({ dark, grey, hints }) => {
  const studio = await createStudio();
  try {
    const enhanced = await studio.enhance(fromBase64(dark));
    const colorized = await studio.colorize(fromBase64(grey), { hints });
    window.__results = {
      build: studio.build, threads: studio.threads, isolated: self.crossOriginIsolated === true,
      enhanced: toBase64(await studio.encode(enhanced, { format: 'png' })),
      colorized: toBase64(await studio.encode(colorized, { format: 'png' })),
    };
    return window.__results;
  } finally {
    await studio.terminate();
  }
};
document.title = 'ready';
