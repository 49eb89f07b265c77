// builds.js - where the two WASM builds' files are.
// Each file is named by a literal `new URL('./gen/…', import.meta.url)`: the form Vite and
// webpack 5 recognise, so they copy the file into their output and rewrite the URL with no
// configuration (esbuild does not: copy gen/ next to the bundle, or pass assetsUrl). Naming
// a file fetches nothing: core.js fetches one build when a studio starts.
import HASHES from './gen/build.mjs';

const FILES = {
  'studio-st.mjs': () => new URL('./gen/studio-st.mjs', import.meta.url),
  'studio-st.wasm': () => new URL('./gen/studio-st.wasm', import.meta.url),
  'studio-mt.mjs': () => new URL('./gen/studio-mt.mjs', import.meta.url),
  'studio-mt.wasm': () => new URL('./gen/studio-mt.wasm', import.meta.url),
  'studio-mt.worker.js': () => new URL('./gen/studio-mt.worker.js', import.meta.url),
};

/** The URL of a build file: under assetsUrl when given (a CDN, a folder a bundler did not
 *  fill), else beside this module. Over HTTP it carries the file's content hash (?v=HASH,
 *  gen/build.mjs, written by the build), so a host may cache it for good and the pthread
 *  workers' own fetches of it are answered by the HTTP cache. */
export function buildFile(name, assetsUrl) {
  if (!FILES[name]) throw new Error(`no build file ${name}`);
  const url = assetsUrl ? new URL(name, assetsUrl) : FILES[name]();
  if (url.protocol === 'data:') return new URL(blobOf(url.href)); // a bundler inlined it (Vite, under 4 KB): a worker script needs an origin of ours
  if (/^https?:$/.test(url.protocol) && HASHES[name]) url.searchParams.set('v', HASHES[name]);
  return url;
}

// One blob: URL per inlined file, however often the glue asks (once per pthread worker).
const blobs = new Map();
function blobOf(href) {
  if (!blobs.has(href)) {
    const [head, body] = href.split(',');
    const bytes = head.endsWith(';base64') ? Uint8Array.from(atob(body), (c) => c.charCodeAt(0)) : decodeURIComponent(body);
    blobs.set(href, URL.createObjectURL(new Blob([bytes], { type: 'text/javascript' })));
  }
  return blobs.get(href);
}
