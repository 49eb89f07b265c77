// main.mjs - the Node consumer: node main.mjs DARK.png GREY.png HINTS.json ENHANCED.png COLORIZED.png
// Prints one JSON line: the build, its threads, and what the package exports (names of the
// module's exports and of a studio's methods), for the test to hold against studio.d.ts.
import fs from 'node:fs';
import * as api from 'enhancement-studio';
import { createStudio } from 'enhancement-studio';

const [dark, grey, hintsFile, enhancedOut, colorizedOut] = process.argv.slice(2);
const studio = await createStudio();
try {
  const enhanced = await studio.enhance(fs.readFileSync(dark));
  const hints = JSON.parse(fs.readFileSync(hintsFile, 'utf8'));
  const colorized = await studio.colorize(fs.readFileSync(grey), { hints });
  fs.writeFileSync(enhancedOut, await studio.encode(enhanced, { format: 'png' }));
  fs.writeFileSync(colorizedOut, await studio.encode(colorized, { format: 'png' }));
  const methods = [];
  for (let o = Object.getPrototypeOf(studio); o && o !== Object.prototype; o = Object.getPrototypeOf(o))
    methods.push(...Object.getOwnPropertyNames(o).filter((n) => n !== 'constructor' && typeof studio[n] === 'function'));
  console.log(JSON.stringify({ build: studio.build, threads: studio.threads, exports: Object.keys(api).sort(),
    methods: [...new Set(methods)].sort(), fields: Object.keys(studio).sort() }));
} finally {
  await studio.terminate();
}
