// formats.js - what an image file is and how large its header says it is, for the formats
// the core does not read but a browser may (WebP, AVIF, GIF, HEIC...). The worker uses it to
// apply the core's size limits before the browser decodes a pixel, and to name the format
// when nothing can decode the file. Pure functions on bytes (Node tests them directly);
// JPEG, PNG and BMP are the core's business and are not parsed here.

// format -> the name a person knows it by
export const NAMES = {
  webp: 'WebP', gif: 'GIF', avif: 'AVIF', heic: 'HEIC', heif: 'HEIF', tiff: 'TIFF', jxl: 'JPEG XL', jp2: 'JPEG 2000',
  psd: 'Photoshop (PSD)', ico: 'ICO',
};
// the MIME type a browser's decoder would be asked for (ImageDecoder.isTypeSupported)
export const MIME = {
  webp: 'image/webp', gif: 'image/gif', avif: 'image/avif', heic: 'image/heic', heif: 'image/heif', tiff: 'image/tiff',
  jxl: 'image/jxl', jp2: 'image/jp2', psd: 'image/vnd.adobe.photoshop', ico: 'image/x-icon',
};
const EXTENSIONS = {
  webp: 'webp', gif: 'gif', avif: 'avif', heic: 'heic', heics: 'heic', heif: 'heif', hif: 'heif', tif: 'tiff', tiff: 'tiff',
  jxl: 'jxl', jp2: 'jp2', j2k: 'jp2', jpx: 'jp2', psd: 'psd', ico: 'ico',
};

const ascii = (b, at, n) => (at + n <= b.length ? String.fromCharCode(...b.subarray(at, at + n)) : '');
const u16le = (b, at) => b[at] | (b[at + 1] << 8);
const u24le = (b, at) => b[at] | (b[at + 1] << 8) | (b[at + 2] << 16);
const u32be = (b, at) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
const u32le = (b, at) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

const AVIF_BRANDS = ['avif', 'avis'];
const HEIC_BRANDS = ['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx'];
const HEIF_BRANDS = ['mif1', 'msf1'];

/** The format of a file from its first bytes: {format, name, width?, height?} (width and
 *  height when the header gives them; AVIF/HEIC: the largest image in the file), or null
 *  for a format this module does not know (JPEG, PNG and BMP included). */
export function sniff(bytes) {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes.buffer ?? bytes, bytes.byteOffset ?? 0, bytes.byteLength);
  let found = null;
  if (/^GIF8[79]a$/.test(ascii(b, 0, 6))) found = { format: 'gif', ...(b.length >= 10 && { width: u16le(b, 6), height: u16le(b, 8) }) };
  else if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') found = { format: 'webp', ...webpSize(b) };
  else if (ascii(b, 4, 4) === 'ftyp') found = isobmff(b);
  else if (ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*') found = { format: 'tiff' };
  else if ((b[0] === 0xff && b[1] === 0x0a) || ascii(b, 4, 4) === 'JXL ') found = { format: 'jxl' };
  else if (ascii(b, 4, 4) === 'jP  ' || (b[0] === 0xff && b[1] === 0x4f && b[2] === 0xff && b[3] === 0x51)) found = { format: 'jp2' };
  else if (ascii(b, 0, 4) === '8BPS') found = { format: 'psd' };
  return found && { ...found, name: NAMES[found.format] };
}

/** The format a file's name or MIME type claims ('heic' for "IMG_1.HEIC"), or null. */
export function formatFromName(name = '', type = '') {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1].toLowerCase();
  if (ext && EXTENSIONS[ext]) return EXTENSIONS[ext];
  const sub = /^image\/(?:x-)?([a-z0-9.-]+)$/i.exec(type)?.[1].toLowerCase(); // image/heic, image/x-tiff
  return Object.keys(MIME).find((f) => MIME[f] === type.toLowerCase()) || EXTENSIONS[sub] || null;
}

// WebP: the first chunk after "RIFF....WEBP" says which kind (RFC 9649, section 2.5-2.7).
function webpSize(b) {
  const kind = ascii(b, 12, 4), p = 20;
  if (kind === 'VP8 ' && b.length >= p + 10 && b[p + 3] === 0x9d && b[p + 4] === 0x01 && b[p + 5] === 0x2a)
    return { width: u16le(b, p + 6) & 0x3fff, height: u16le(b, p + 8) & 0x3fff }; // top 2 bits: upscaling hint
  if (kind === 'VP8L' && b.length >= p + 5 && b[p] === 0x2f) {
    const bits = u32le(b, p + 1);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (kind === 'VP8X' && b.length >= p + 10) return { width: u24le(b, p + 4) + 1, height: u24le(b, p + 7) + 1 };
  return {};
}

// ISO BMFF boxes in b[from, to): [{type, start (of the payload), end, whole}] (whole: not cut
// short by the end of the data). A size of 1 means a 64-bit size follows; 0, "to the end".
function boxes(b, from, to) {
  const out = [];
  for (let at = from; at + 8 <= to;) {
    let size = u32be(b, at), head = 8;
    if (size === 1) {
      if (at + 16 > to) break;
      size = u32be(b, at + 8) * 2 ** 32 + u32be(b, at + 12);
      head = 16;
    } else if (size === 0) size = to - at;
    if (size < head) break; // damaged: stop rather than loop
    out.push({ type: ascii(b, at + 4, 4), start: at + head, end: Math.min(to, at + size), whole: at + size <= to });
    at += size;
  }
  return out;
}

// AVIF and HEIC (HEIF containers): the brand names the format; the size is in the 'ispe'
// (image spatial extent) properties under meta/iprp/ipco. A file holds several images (the
// primary, its grid tiles, a thumbnail, an alpha plane); the largest is the one that
// matters for the limits, so no item associations need following.
function isobmff(b) {
  const [ftyp] = boxes(b, 0, b.length);
  if (!ftyp) return null;
  const brands = [];
  for (let at = ftyp.start; at + 4 <= ftyp.end; at += at === ftyp.start ? 8 : 4) brands.push(ascii(b, at, 4));
  const format = brands.some((x) => AVIF_BRANDS.includes(x)) ? 'avif' : brands.some((x) => HEIC_BRANDS.includes(x)) ? 'heic'
    : brands.some((x) => HEIF_BRANDS.includes(x)) ? 'heif' : null;
  if (!format) return null; // an MP4 video, a QuickTime file...
  const child = (box, type, skip = 0) => box && boxes(b, box.start + skip, box.end).find((x) => x.type === type);
  const meta = boxes(b, 0, b.length).find((x) => x.type === 'meta');
  const ipco = child(child(meta, 'iprp', 4), 'ipco'); // meta is a full box: 4 bytes of version and flags
  let best = null;
  // a cut-off list could hide the largest image: no size then (the decoded one is checked)
  for (const p of ipco?.whole ? boxes(b, ipco.start, ipco.end) : []) {
    if (p.type !== 'ispe' || p.start + 12 > p.end) continue;
    const width = u32be(b, p.start + 4), height = u32be(b, p.start + 8);
    if (!best || width * height > best.width * best.height) best = { width, height };
  }
  return { format, ...best };
}
