// zip.js - a ZIP archive of already-compressed files (PNG and JPEG do not deflate further),
// stored uncompressed: local headers, the data, the central directory. PKWARE APPNOTE 6.3.
// Names are UTF-8 (flag bit 11). Runs in the worker: the CRC of a batch is real work.

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// DOS date and time for the archive's entries (local time, as unzip tools show it).
function dosTime(d) {
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
    date: ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** entries: [{name, bytes: Uint8Array}] -> the archive as one Uint8Array. Names repeated
 *  within one archive get " (2)", " (3)"... before their extension, as file managers do. */
export function zip(entries, now = new Date()) {
  const enc = new TextEncoder(), { time, date } = dosTime(now), seen = new Set();
  const files = entries.map(({ name, bytes }) => {
    let unique = name;
    for (let k = 2; seen.has(unique.toLowerCase()); k++) unique = name.replace(/(\.[^.]*)?$/, ` (${k})$1`);
    seen.add(unique.toLowerCase());
    return { name: enc.encode(unique), bytes, crc: crc32(bytes) };
  });
  const size = files.reduce((s, f) => s + 30 + f.name.length + f.bytes.length + 46 + f.name.length, 22);
  if (size > 0xffffffff || files.length > 0xffff) throw new Error('the batch is too large for one ZIP file (4 GB): download it in parts');
  const out = new Uint8Array(size), view = new DataView(out.buffer);
  let at = 0;
  const header = (sig, f, central, offset) => {
    view.setUint32(at, sig, true); at += 4;
    if (central) { view.setUint16(at, 20, true); at += 2; } // made by: 2.0
    view.setUint16(at, 20, true); // version needed: 2.0
    view.setUint16(at + 2, 0x0800, true); // UTF-8 names
    view.setUint16(at + 4, 0, true); // stored
    view.setUint16(at + 6, time, true);
    view.setUint16(at + 8, date, true);
    view.setUint32(at + 10, f.crc, true);
    view.setUint32(at + 14, f.bytes.length, true);
    view.setUint32(at + 18, f.bytes.length, true);
    view.setUint16(at + 22, f.name.length, true);
    view.setUint16(at + 24, 0, true); // extra
    at += 26;
    if (central) {
      view.setUint16(at, 0, true); view.setUint16(at + 2, 0, true); view.setUint16(at + 4, 0, true); // comment, disk, internal attrs
      view.setUint32(at + 6, 0, true); view.setUint32(at + 10, offset, true);
      at += 14;
    }
    out.set(f.name, at); at += f.name.length;
  };
  const offsets = files.map((f) => {
    const offset = at;
    header(0x04034b50, f, false);
    out.set(f.bytes, at); at += f.bytes.length;
    return offset;
  });
  const dir = at;
  files.forEach((f, i) => header(0x02014b50, f, true, offsets[i]));
  view.setUint32(at, 0x06054b50, true);
  view.setUint16(at + 4, 0, true); view.setUint16(at + 6, 0, true);
  view.setUint16(at + 8, files.length, true); view.setUint16(at + 10, files.length, true);
  view.setUint32(at + 12, at - dir, true); view.setUint32(at + 16, dir, true);
  view.setUint16(at + 20, 0, true);
  return out;
}
