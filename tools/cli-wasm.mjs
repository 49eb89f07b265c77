// cli-wasm.mjs - `tools/studio --wasm COMMAND`: the native CLI's commands run through the
// WASM module under Node (via studio.js and its worker), printing exactly what the native
// CLI prints, so the two paths can be compared from the shell.
import { readFile, stat } from 'node:fs/promises';
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

let code;
if (cmd === 'info') code = await info(rest);
else if (cmd === 'enhance' || cmd === 'colorize') { console.error(`studio: '${cmd}' is not implemented yet`); code = 2; }
else { console.error(`studio: unknown command '${cmd}'`); code = 2; }
process.exitCode = code;
