// node-consumer.ts - a Node program in TypeScript (lib es2022 and @types/node, no DOM): the
// package's types must hold without the browser's. Type-checked only.
import { readFile, writeFile } from 'node:fs/promises';
import { createStudio, StudioError, type HintsFile, type StudioImage } from 'enhancement-studio';

export async function main(dark: string, grey: string, out: string): Promise<void> {
  const studio = await createStudio({ threads: 'auto' });
  try {
    const bright: StudioImage = await studio.enhance(await readFile(dark), { strength: 0.9 });
    const hints: HintsFile = { width: 768, height: 512, points: [{ x: 120, y: 60, r: 4, rgb: [120, 140, 170] }] };
    const coloured = await studio.colorize(new Uint8Array(await readFile(grey)), { hints });
    await writeFile(`${out}-enhanced.png`, await studio.encode(bright, { format: 'png' }));
    await writeFile(`${out}-colorized.png`, await studio.encode(coloured));
    await studio.loadModel(new URL('file:///srv/models/eccv16-f16.bin'));
    await studio.loadModel(await readFile('/srv/models/colorization_release_v2.caffemodel'));
  } catch (e) {
    if (e instanceof StudioError) console.error(`${e.code}: ${e.message}`);
    throw e;
  } finally {
    await studio.terminate();
  }
}
