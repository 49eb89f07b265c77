// consumer.ts - every call of the API as a TypeScript user writes it, following what
// studio.js does (README, the JSDoc in studio.js, tests/node/hints.test.mjs). Only
// type-checked (tsc --strict --noEmit against the installed package), never run: a type
// error here is studio.d.ts disagreeing with the API it describes.
import {
  createStudio, pickBuild, hasSimd, MAX_THREADS, StudioError,
  type Studio, type StudioImage, type ImageInfo, type HintsState, type HintsFile, type Hint,
  type PointHint, type StrokeHint, type EnhanceOptions, type ColorizeOptions, type CreateOptions,
  type Converted, type OpenedPhoto, type StudioErrorCode, type Bytes, type ProgressCallback,
  type RestoreOptions, type RestoredImage, type FadeReport, type Mode,
  type RepairOptions, type RepairedImage, type DetectOptions, type MaskEdit, type MaskState, type MaskInput,
} from 'enhancement-studio';

declare const bytes: Uint8Array;
declare const buffer: ArrayBuffer;
declare const file: Blob;
declare const imageData: ImageData;

export async function everything(): Promise<void> {
  const simd: boolean = hasSimd();
  const most: number = MAX_THREADS;
  const picked: { build: 'st' | 'mt'; threads: number } = pickBuild({ threads: 'auto' });
  const options: CreateOptions = { threads: 2, build: 'auto', assetsUrl: new URL('https://cdn.example.com/enhancement-studio/gen/') };
  const studio: Studio = await createStudio(options);
  await createStudio({ assetsUrl: '/static/studio/' });
  await createStudio();
  const build: 'st' | 'mt' = studio.build;
  const threads: number = studio.threads;
  console.log(simd, most, picked, build, threads);

  const progress: ProgressCallback = (stage: string, fraction: number) => console.log(stage, fraction.toFixed(2));
  const info: ImageInfo = await studio.info(bytes);
  const facts: [string, number, number, boolean, string] = [info.format, info.width, info.orientation, info.progressive, info.description];
  const decoded: StudioImage = await studio.decode(buffer, { onProgress: progress, digest: true });
  const digest: string | undefined = decoded.digest;
  const png: Uint8Array = await studio.encode(decoded, { format: 'png' });
  const jpeg: Uint8Array = await studio.encode(imageData, { format: 'jpeg', quality: 85, onProgress: progress });
  const small: StudioImage = await studio.resize(decoded, 100, 80, { filter: 'area' });
  await studio.resize(imageData, 10, 10);
  console.log(facts, digest, png.length, jpeg.length, small.channels);

  const enhanceOptions: EnhanceOptions = {
    strength: 0.8, denoise: 'auto', localContrast: 0.25, clipLimit: 2, tiles: 8, sharpen: 0.4, exposure: 0.18,
    shadows: 'auto', highlights: 0.2, onProgress: progress,
  };
  const bright: StudioImage = await studio.enhance(bytes, enhanceOptions);
  await studio.enhance(decoded, { denoise: 0.5, shadows: 0 });
  await studio.enhance(buffer);
  console.log(bright.width);

  // faded colour prints: the analysis alone, or with the restored image
  const restoreOptions: RestoreOptions = { strength: 'auto', contrast: 0.8, onProgress: progress };
  const restored: RestoredImage = await studio.restore(bytes, restoreOptions);
  await studio.restore(decoded, { strength: 0.5 });
  await studio.restore(imageData);
  const fade: FadeReport = await studio.analyzeFade(buffer);
  const dyes: [number, number, number] = fade.retention;
  const fadeFacts: [number, number, number, number, number, number] = [fade.veil, fade.gain, fade.evidence, fade.colour, fade.strength, fade.stain[2]];
  console.log(restored.width, restored.fade.strength, dyes, fadeFacts);

  // the model: from a URL (fetched), a URL object, a Blob or File, or bytes
  const loaded: true = await studio.loadModel('/models/eccv16-f16.bin', { onProgress: progress });
  await studio.loadModel(new URL('https://example.com/eccv16.caffemodel'));
  await studio.loadModel(file);
  await studio.loadModel(bytes, { pts: buffer });
  const converted: Converted = await studio.convertModel(bytes, { precision: 'int8', onProgress: progress });
  if (converted.int8 && !converted.int8.refused) console.log(converted.int8.p99, converted.int8.bound);
  const precision: 'f32' | 'f16' | 'int8' = converted.precision;
  console.log(loaded, precision, converted.bytes.length);

  // colour: with the model, with hints (the hints file: points and strokes), or both
  const point: PointHint = { x: 30, y: 80, r: 3, rgb: [40, 90, 220] };
  const stroke: StrokeHint = { rgb: [210, 50, 40], width: 6, path: [[180, 40], [220, 120]] };
  const hintsFile: HintsFile = { width: 240, height: 160, points: [point], strokes: [stroke] };
  const onlyPoints: HintsFile = { width: 240, height: 160, points: [point] };
  const colourOptions: ColorizeOptions = {
    vibrance: 0.38, saturation: 1.2, size: 256, edgeAware: true, conv: 'winograd', hints: hintsFile, trust: 0.5,
    workMegapixels: 0.15, tolerance: 0.002, onProgress: progress,
  };
  const coloured: StudioImage = await studio.colorize(bytes, colourOptions);
  await studio.colorize(decoded, { hints: onlyPoints });
  await studio.colorize(imageData, { hints: JSON.stringify(hintsFile) });
  await studio.colorize(buffer);
  const memory: number = (await studio.memory()).heap;
  const confidence = await studio.confidence();
  if (confidence) { const cell: number | undefined = confidence.data[0]; console.log(confidence.width, cell); }
  console.log(coloured.channels, memory);

  // photos kept in the worker, as the page uses them
  const opened: OpenedPhoto = await studio.open('photo-1', bytes, { thumb: 160, name: 'photo.jpg', type: 'image/jpeg' });
  const look: [number, number] = [opened.look.lightness, opened.look.chroma];
  const suggestion: Mode | null = opened.suggestion;
  const openedFade: FadeReport | null = opened.fade;
  console.log(opened.info.width, look, suggestion, openedFade, opened.thumb);
  const ran = await studio.run('photo-1', 'enhance', { strength: 0.5 });
  const after: [number, number, number] = [ran.width, ran.height, ran.look.lightness];
  await studio.run('photo-1', 'colorize', { vibrance: 0.5, hints: hintsFile });
  const ranFade: FadeReport | undefined = (await studio.run('photo-1', 'restore', { strength: 'auto', contrast: 1 })).fade;
  console.log(ranFade?.strength);

  // dust and scratches: detected and healed, the mask alone, a mask given (bytes or pixels)
  const repairOptions: RepairOptions = { sensitivity: 0.6, grow: 1, radius: 5, onProgress: progress };
  const repaired: RepairedImage = await studio.repair(bytes, repairOptions);
  const detectOptions: DetectOptions = { sensitivity: 0.5 };
  const found: StudioImage = await studio.detectDamage(decoded, detectOptions);
  const given: MaskInput = { width: found.width, height: found.height, data: found.data };
  await studio.repair(imageData, { mask: given, radius: 7 });
  await studio.repair(buffer, { mask: bytes });
  console.log(repaired.mask.channels);
  const ranRepair: number | undefined = (await studio.run('photo-1', 'repair', { radius: 5 })).damaged;
  let mask: MaskState = await studio.repairBegin('photo-1', { sensitivity: 0.5, grow: 1 });
  const brushed: MaskEdit = { id: 1, kind: 'add', width: 9, path: [[10, 10], [40, 12]] };
  mask = await studio.repairEdit('photo-1', [brushed, { kind: 'erase', width: 3, path: [[12, 10]] }]);
  mask = await studio.repairLoad('photo-1', await studio.repairSaveMask('photo-1'));
  mask = await studio.repairView('photo-1');
  console.log(ranRepair, mask.damaged, mask.overlay?.whole, mask.healed?.x, mask.edits.length);
  const view = await studio.view('photo-1', 'result');
  await studio.view('photo-1');
  console.log(after, view);

  let state: HintsState = await studio.hintsOpen('photo-1', { trust: 0.5, workMegapixels: 0.15 });
  const added = await studio.hintAdd('photo-1', point);
  const id: number = added.id;
  state = await studio.hintAdd('photo-1', stroke);
  state = await studio.hintMove('photo-1', id, 5, -3);
  const kinds: Array<'point' | 'stroke'> = state.hints.map((h) => h.kind);
  const undo: Hint[] = state.hints;
  state = await studio.hintRemove('photo-1', id);
  state = await studio.hintsSet('photo-1', undo);
  state = await studio.hintsSet('photo-1', hintsFile);
  state = await studio.hintsSet('photo-1', []);
  const figures: [boolean, number, number, number, number, number] = [state.model, state.workWidth, state.workHeight, state.iterations, state.error, state.ms];
  const exported: string = await studio.hintsExport('photo-1');
  const suggested: Array<{ rgb: [number, number, number]; p: number }> = await studio.suggestColours('photo-1', 30, 80);
  const checked = await studio.readHints(exported, { width: 240, height: 160 });
  const read: [number, number, number, number] = [checked.width, checked.height, checked.points.length, checked.strokes.length];
  await studio.readHints(hintsFile);
  console.log(kinds, figures, suggested, read, state.preview);

  const result: Uint8Array = await studio.export('photo-1', { format: 'jpeg', quality: 92 });
  await studio.export('photo-1');
  const closed: boolean = await studio.close('photo-1');
  const again: Uint8Array = await studio.transcode(bytes, { format: 'png' });
  const archive: Uint8Array = await studio.zip([{ name: 'a.png', bytes: result }, { name: 'b.png', bytes: again }]);
  console.log(closed, archive.length);

  try {
    await studio.enhance(bytes, { strength: 2 });
  } catch (e) {
    if (e instanceof StudioError) {
      const code: StudioErrorCode = e.code;
      const message: string = e.message;
      console.log(code === 'argument', message, e.name);
    }
  }
  const error = new StudioError('cancelled', 'cancelled');
  const input: Bytes = bytes;
  console.log(error.code, input);
  await studio.cancel();
  await studio.terminate();
}
