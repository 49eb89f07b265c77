// cli-wasm.mjs - `tools/studio --wasm COMMAND`: the native CLI's commands run through the
// WASM module under Node (via studio.js and its worker), printing exactly what the native
// CLI prints, so the two paths can be compared from the shell.
import { readFile, stat, mkdir, writeFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { createStudio } from '../web/studio.js';

const [cmd, ...rest] = process.argv.slice(2);

async function readInput(file) {
  let st;
  try { st = await stat(file); } catch (e) { throw new Error(`cannot open: ${e.code === 'ENOENT' ? 'No such file or directory' : e.message}`); }
  if (st.isDirectory()) throw new Error('is a directory, not an image file');
  return readFile(file);
}

async function info(args) {
  const digest = args.includes('--digest');
  const files = args.filter((a) => a !== '--digest');
  if (!files.length) { console.error('usage: studio --wasm info [--digest] FILE...'); return 2; }
  const studio = await createStudio({ threads: 1 });
  let failed = 0;
  for (const f of files) {
    try {
      const bytes = await readInput(f);
      const i = await studio.info(bytes);
      if (digest) {
        const img = await studio.decode(bytes, { digest: true });
        console.log(`${f}: ${i.description}, pixels ${img.digest}`);
      } else {
        console.log(`${f}: ${i.description}`);
      }
    } catch (e) {
      console.error(`${f}: error: ${e.message}`);
      failed++;
    }
  }
  await studio.terminate();
  return failed ? 1 : 0;
}

// The native CLI's naming: DIR/NAME-SUFFIX.EXT, JPEG staying JPEG and the rest PNG.
function batchName(input, dir, format, suffix) {
  const ext = path.extname(input), jpeg = /^\.jpe?g$/i.test(ext);
  const out = format ? (format === 'png' ? 'png' : 'jpg') : jpeg ? 'jpg' : 'png';
  return path.join(dir, `${path.basename(input, ext)}-${suffix}.${out}`);
}

const formatOf = (file) => (/\.png$/i.test(file) ? 'png' : /\.jpe?g$/i.test(file) ? 'jpeg' : null);

async function sameFile(a, b) {
  try { const [x, y] = await Promise.all([stat(a), stat(b)]); return x.dev === y.dev && x.ino === y.ino; } catch { return false; }
}

async function writeAtomic(file, bytes) {
  const tmp = `${file}.tmp-${process.pid}`;
  try { await writeFile(tmp, bytes); await rename(tmp, file); } catch (e) { await rm(tmp, { force: true }); throw new Error(`cannot write ${file}: ${e.message}`); }
}

// Commands on images share the native batch runner's behaviour (src/cli/batch.c): IN OUT or
// IN... -o DIR, --quality/--format/--threads, a line per file, going on past failures.
const commands = {
  enhance: { suffix: 'enhanced', run: (studio, bytes, options) => studio.enhance(bytes, options) },
  restore: {
    suffix: 'restored',
    flags: ['report'],
    // --report: what the analysis found, printed as src/cli/cmd_restore.c prints it
    async run(studio, bytes, { report, ...options }) {
      const out = await studio.restore(bytes, options);
      if (report) {
        const r = out.fade, f = (v, n) => v.toFixed(n), auto = options.strength === undefined || options.strength === 'auto';
        console.error(`  retention ${r.retention.map((v) => f(v, 3)).join(' ')}, stain ${r.stain.map((v) => f(v, 3)).join(' ')}, veil ${f(r.veil, 4)}, ` +
          `gain ${f(r.gain, 2)}, evidence ${f(r.evidence, 2)}, colour ${f(r.colour, 2)}, strength ${f(auto ? r.strength : Number(options.strength), 2)}${auto ? ' (auto)' : ''}`);
      }
      return out;
    },
  },
  repair: {
    suffix: 'repaired',
    // --mask heals exactly that mask (no detection), --save-mask writes the mask healed; in a
    // batch each names a folder of NAME-mask.png; a mask that cannot be read or is not the
    // photo's size fails its photo, and the batch goes on (src/cli/cmd_repair.c)
    prepare(studio, options) {
      if (options.detect !== undefined && options.mask !== undefined) {
        throw Object.assign(new Error('--mask heals exactly the mask given; --detect is for finding one: not both'), { usage: true });
      }
    },
    async run(studio, bytes, { mask, 'save-mask': save, detect, ...options }, { input, dir }) {
      const named = (arg) => (dir ? path.join(arg, `${path.basename(input, path.extname(input))}-mask.png`) : arg);
      if (detect !== undefined) options.sensitivity = detect;
      if (mask !== undefined) {
        const file = named(mask);
        let given;
        try { given = await readInput(file); } catch (e) { throw new Error(`mask ${file}: ${e.message}`); }
        try { options.mask = await studio.decode(given); } catch (e) { throw new Error(`mask ${file} is not an image we read: ${e.message}`); }
      }
      let out;
      try { out = await studio.repair(bytes, options); } catch (e) {
        throw options.mask && /^repair: the mask /.test(e.message) ? new Error(e.message) : e; // this photo's failure, not a usage error
      }
      if (save !== undefined) {
        out.after = async () => {
          const file = named(save);
          try { await writeAtomic(file, await studio.encode(out.mask, { format: 'png', quality: 92 })); } catch (e) { throw new Error(`mask ${file}: ${e.message}`); }
        };
      }
      return out;
    },
  },
  colorize: {
    suffix: 'colorized',
    async prepare(studio, options) {
      if (!options.model && !options.hints) {
        throw Object.assign(new Error('colorize needs --model FILE (a .caffemodel; see models/README.md), --hints H.json (colour hints), or both'), { usage: true });
      }
      if (options.hints) {
        const text = await readInput(options.hints).then((b) => b.toString('utf8'));
        try { await studio.readHints(text); } catch (e) { throw Object.assign(e, { file: options.hints }); }
        options.hintsText = text;
      }
      if (!options.model) return;
      const pts = options.pts ? await readInput(options.pts) : undefined;
      try { await studio.loadModel(await readInput(options.model), { pts }); } catch (e) { throw Object.assign(e, { file: options.model }); }
    },
    async run(studio, bytes, { model, pts, hints, hintsText, upsample, ...rest }) {
      const options = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k.replace(/-(\w)/g, (_, c) => c.toUpperCase()), Number(v)]));
      if (upsample !== undefined) options.edgeAware = upsample === 'edge-aware';
      if (options.workSize !== undefined) { options.workMegapixels = options.workSize; delete options.workSize; }
      if (hintsText === undefined) return studio.colorize(bytes, options);
      // a photo of another size is this file's failure, not a usage error: the batch goes on
      try { await studio.readHints(hintsText, await studio.info(bytes)); } catch (e) { throw new Error(e.message); }
      return studio.colorize(bytes, { ...options, hints: hintsText });
    },
  },
};

async function batch(name, args) {
  const command = commands[name];
  const files = [], options = {};
  let dir = null, quality = 92, threads = 1, format = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('-') || a === '-') { files.push(a); continue; }
    if (command.flags?.includes(a.slice(2))) { options[a.slice(2)] = true; continue; }
    const v = args[++i];
    if (v === undefined) { console.error(`studio: ${a} needs a value`); return 2; }
    if (a === '-o') dir = v;
    else if (a === '--quality') quality = Number(v);
    else if (a === '--threads') threads = Number(v);
    else if (a === '--format') format = v === 'jpg' ? 'jpeg' : v;
    else if (a.startsWith('--')) options[a.slice(2)] = v; // checked by the core, by name
  }
  if (!(quality >= 1 && quality <= 100)) { console.error('studio: --quality must be 1..100'); return 2; }
  if (format && format !== 'png' && format !== 'jpeg') { console.error(`studio: --format is png or jpeg, not '${format}'`); return 2; }
  if (!files.length || (!dir && files.length !== 2)) { console.error(`usage: studio --wasm ${name} IN OUT [options] | IN... -o DIR [options]`); return 2; }
  const studio = await createStudio({ threads });
  let failed = 0;
  const one = async (input, output, fmt) => {
    const result = await command.run(studio, await readInput(input), options, { input, dir });
    await writeAtomic(output, await studio.encode(result, { format: fmt, quality }));
    await result.after?.(); // what a command writes beside the image (repair's --save-mask)
  };
  try {
    if (command.prepare) {
      try { await command.prepare(studio, options); } catch (e) {
        console.error(e.usage ? `studio: ${e.message}` : `${e.file ?? options.model}: error: ${e.message}`);
        return 1;
      }
    }
    if (!dir) {
      const fmt = format || formatOf(files[1]);
      if (!fmt) { console.error(`studio: ${files[1]}: the output must end in .png, .jpg or .jpeg`); return 1; }
      if (await sameFile(files[0], files[1])) { console.error(`studio: refusing to overwrite the input ${files[0]}`); return 1; }
      try { await one(files[0], files[1], fmt); } catch (e) {
        if (e.code === 'argument') { console.error(`studio: ${e.message}`); return 2; }
        console.error(`${files[0]}: error: ${e.message}`); return 1;
      }
      return 0;
    }
    await mkdir(dir, { recursive: true });
    for (const [i, input] of files.entries()) {
      const output = batchName(input, dir, format, command.suffix), t0 = performance.now();
      try {
        if (await sameFile(input, output)) throw new Error('refusing to overwrite the input');
        await one(input, output, formatOf(output));
        console.error(`[${i + 1}/${files.length}] ${input} -> ${output} (${Math.round(performance.now() - t0)} ms)`);
      } catch (e) {
        if (e.code === 'argument') { console.error(`studio: ${e.message}`); return 2; }
        console.error(`${input}: error: ${e.message}`);
        failed++;
      }
    }
    if (files.length > 1) console.error(`${files.length - failed} of ${files.length} ${command.suffix}${failed ? '' : ', all fine'}`);
    return failed ? 1 : 0;
  } finally {
    await studio.terminate();
  }
}

let code;
if (cmd === 'info') code = await info(rest);
else if (commands[cmd]) code = await batch(cmd, rest);
else { console.error(`studio: unknown command '${cmd}'`); code = 2; }
process.exitCode = code;
