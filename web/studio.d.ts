// studio.d.ts - the types of the JS API (studio.js), for TypeScript and editors. Ranges and
// defaults are the C core's (src/api/studio.h); a value outside its range is refused by the
// core with a StudioError whose message names the option.

/** What kind of failure a StudioError is. */
export type StudioErrorCode =
  | 'ok' | 'argument' | 'nomem' | 'format' | 'unsupported' | 'corrupt' | 'too-large' | 'cancelled' | 'internal';

/** Every call rejects with this: .code names the kind, .message is the core's sentence. */
export class StudioError extends Error {
  constructor(code: StudioErrorCode, message: string);
  readonly name: 'StudioError';
  readonly code: StudioErrorCode;
}

/** Encoded image bytes (JPEG, PNG or BMP; WebP, AVIF, GIF, HEIC where the browser reads them). */
export type Bytes = Uint8Array | ArrayBuffer;

/** Pixels: 8 bits per channel, rows packed. channels 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. */
export interface StudioImage {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  data: Uint8Array | Uint8ClampedArray;
  /** decode(bytes, { digest: true }) only: a checksum of the pixels (16 hex digits). */
  digest?: string;
}

/** An ImageBitmap where the DOM's types are loaded (browsers); never without them (Node). */
export type Bitmap = typeof globalThis extends { ImageBitmap: { prototype: infer B } } ? B : never;

/** An image given to a call: StudioImage, or a browser ImageData (RGBA). */
export type ImageInput = StudioImage | { width: number; height: number; data: Uint8ClampedArray; channels?: number };

/** A stage name ("denoise", "network", ...) and how far it is, 0..1. */
export type ProgressCallback = (stage: string, fraction: number) => void;

export interface CreateOptions {
  /** 'auto' (default): every core up to 8 where shared memory is allowed (crossOriginIsolated
   *  pages, Node), else 1. A number: at most that many (1..8). */
  threads?: 'auto' | number;
  /** 'auto' (default), 'st' (one thread) or 'mt' (threaded; needs SharedArrayBuffer). */
  build?: 'auto' | 'st' | 'mt';
  /** Where the .wasm builds and their workers are served from, when not beside this module
   *  (a CDN, or a folder a bundler did not copy them to): a URL of the folder, ending in '/'. */
  assetsUrl?: string | URL;
}

/** Header facts of an encoded image (nothing decoded). */
export interface ImageInfo {
  format: 'unknown' | 'jpeg' | 'png' | 'bmp';
  /** As displayed, i.e. after the EXIF orientation. */
  width: number;
  height: number;
  storedWidth: number;
  storedHeight: number;
  channels: number;
  bitDepth: number;
  /** EXIF orientation 1..8 (1: as stored). */
  orientation: number;
  progressive: boolean;
  description: string;
}

export interface EnhanceOptions {
  /** 0..1, default 1: overall amount; 0 returns the image unchanged. */
  strength?: number;
  /** 'auto' (default: from the noise measured in the photo) or 0..1 (0 off, 0.5 auto's strength, 1 strongest). */
  denoise?: 'auto' | number;
  /** 0..1, default 0.25: how much local contrast (CLAHE) is blended in. */
  localContrast?: number;
  /** 1..8, default 2: CLAHE's clip limit, in multiples of a tile's mean bin count. */
  clipLimit?: number;
  /** 2..32, default 8: CLAHE's grid, tiles x tiles. */
  tiles?: number;
  /** 0..2, default 0.4: unsharp-mask amount on luminance (noise-level detail is never boosted). */
  sharpen?: number;
  /** 0.05..0.5, default 0.18: target log-average luminance (linear light) of a dark scene. */
  exposure?: number;
  /** 'auto' (default) or 0..1: local exposure, how far the dark parts of a backlit or unevenly
   *  lit photo are lifted (0: one gain for the whole photo). A night sky stays black. */
  shadows?: 'auto' | number;
  /** 0..1, default 0: how much bright regions (sky, lamps) are held back. */
  highlights?: number;
  onProgress?: ProgressCallback;
}

export interface RestoreOptions {
  /** 'auto' (default: from how sure the analysis is that the photo is a faded colour print; 0,
   *  so the photo unchanged, for an unfaded photo or a monochrome print) or 0..1 (0 unchanged,
   *  1 the whole estimated fade inverted). */
  strength?: 'auto' | number;
  /** 0..1, default 1: how much of the lost density range is given back (0 keeps the print's
   *  black and white levels: only its colour balance is restored). */
  contrast?: number;
  onProgress?: ProgressCallback;
}

/** What the fade analysis of a photo found (the core's studio_fade_report). Densities are
 *  relative to the green channel's (the magenta dye's). A grey photo: no fade (retention 1,
 *  the rest 0, gain 1). */
export interface FadeReport {
  /** Each channel's density range against green's: < 1 that dye faded more (red: the cyan dye). */
  retention: [number, number, number];
  /** Density added to each channel's whites against green's (a yellow stain: blue > 0). */
  stain: [number, number, number];
  /** Linear light lifting every channel's blacks, 0..1. */
  veil: number;
  /** The density range restored, as a factor (>= 1). */
  gain: number;
  /** How far the photo lies from unfaded photos (0 typical of one; > 2.8 a fade). */
  evidence: number;
  /** 0..1: 0 a monochrome print (grey or toned: Colorize suits it), 1 a colour photo. */
  colour: number;
  /** What strength 'auto' applies, 0..1. */
  strength: number;
}

/** restore()'s answer: the image, with the analysis it used. */
export interface RestoredImage extends StudioImage { fade: FadeReport }

/** A mask: encoded bytes (a PNG, say) or pixels the photo's size, non-zero = damaged; grey,
 *  RGB or RGBA (alpha ignored). Pixels without `channels` have as many as their bytes hold. */
export type MaskInput = Bytes | { width: number; height: number; data: Uint8Array | Uint8ClampedArray; channels?: number };

export interface DetectOptions {
  /** 0..1, default 0.5: detection's threshold (1 finds fainter defects, and more false ones). */
  sensitivity?: number;
  /** 0..3, default 1: pixels added around each defect found. */
  grow?: number;
  onProgress?: ProgressCallback;
}

export interface RepairOptions extends DetectOptions {
  /** Heal exactly this mask, nothing detected. Another size, grey+alpha, or bytes that are not
   *  an image reject with the core's reason. */
  mask?: MaskInput;
  /** 2..12, default 5: the fill's reach in pixels. */
  radius?: number;
}

/** repair()'s answer: the image healed, with the mask healed (1 channel, 255 = healed). */
export interface RepairedImage extends StudioImage { mask: StudioImage }

/** A brush edit of a kept photo's mask, in pixels of the photo: `width` px wide along `path`
 *  (one point: a dot), marking ('add') or clearing ('erase'). */
export interface MaskEdit { id?: number; kind: 'add' | 'erase'; width: number; path: Array<[number, number]> }

/** A part of a kept photo's mask overlay (magenta where damaged) or of its result: at (x, y),
 *  an ImageBitmap in browsers, pixels in Node. */
export interface MaskPart { x: number; y: number; width: number; height: number; image: Bitmap | StudioImage }

/** The answer of every Repair call on a kept photo. */
export interface MaskState {
  width: number;
  height: number;
  /** Pixels the mask marks. */
  damaged: number;
  edits: MaskEdit[];
  /** The overlay's changed part (whole: all of it), or null when nothing changed. */
  overlay: (MaskPart & { whole: boolean }) | null;
  /** Once the photo is healed: the part of the result healed again after an edit. */
  healed: MaskPart | null;
  ms: number;
}

/** A colour hint, in pixels of the photo as displayed: a point (a (2r+1)^2 square) ... */
export interface PointHint { x: number; y: number; /** 0..256 */ r: number; rgb: [number, number, number]; id?: number; kind?: 'point' }
/** ... or a stroke: a brush `width` (1..1024 px) wide along `path`. */
export interface StrokeHint { rgb: [number, number, number]; width: number; path: Array<[number, number]>; id?: number; kind?: 'stroke' }
export type Hint = PointHint | StrokeHint;
/** The hints file (the CLI's --hints), as an object or its JSON text. */
export type HintsFile = { width: number; height: number; points?: PointHint[]; strokes?: StrokeHint[] } | string;
/** A hint as the hints calls answer it: with its id and kind. */
export type KeptHint = (PointHint & { kind: 'point'; id: number }) | (StrokeHint & { kind: 'stroke'; id: number });

export interface ColorizeOptions {
  /** 0.1..1, default 0.3837 (1/2.606, the model's own): the softmax temperature; lower is bolder. */
  vibrance?: number;
  /** 0..2, default 1: scales the colour. */
  saturation?: number;
  /** 8..512, a multiple of 8, default 224: the network's input size. */
  size?: number;
  /** default false: colour stops at the photo's edges instead of bleeding across them. */
  edgeAware?: boolean;
  /** 'auto' (default), 'direct' or 'winograd': how the network's 3x3 convolutions run (same colours). */
  conv?: 'auto' | 'direct' | 'winograd';
  /** Colour hints: with or without a model. */
  hints?: HintsFile;
  /** 0..1, default 0.5: with hints and a model, how firmly the network's confident colours hold. */
  trust?: number;
  /** 0.01..16, default 0.15: the hints' solve resolution, in megapixels. */
  workMegapixels?: number;
  /** 1e-6..1, default 0.002: the hints' solve stops at this estimated error (a*b* units). */
  tolerance?: number;
  onProgress?: ProgressCallback;
}

export interface LoadModelOptions {
  /** A .npy of the 313 ab bin centres overriding the built-in ones (rarely wanted). */
  pts?: Bytes;
  /** Download and load progress, stage 'download' then the core's stages. */
  onProgress?: ProgressCallback;
}

export interface ConvertOptions {
  pts?: Bytes;
  /** 'f16' (default), 'f32' or 'int8' (kept only where the core proves it against f32, else f16). */
  precision?: 'f32' | 'f16' | 'int8';
  onProgress?: ProgressCallback;
}

export interface Converted {
  bytes: Uint8Array;
  precision: 'f32' | 'f16' | 'int8';
  /** With precision 'int8' asked: the check against f32 (|delta ab| on its check images). */
  int8: { checked: boolean; refused: boolean; p99: number; max: number; bound: number } | null;
}

export interface EncodeOptions {
  /** 'png' (default) or 'jpeg'. */
  format?: 'png' | 'jpeg';
  /** 1..100, default 90 (JPEG only). */
  quality?: number;
  onProgress?: ProgressCallback;
}

/** The answer of every colour-hints call. */
export interface HintsState {
  hints: KeptHint[];
  model: boolean;
  width: number;
  height: number;
  workWidth: number;
  workHeight: number;
  iterations: number;
  error: number;
  ms: number;
  /** The colours at the working size: an ImageBitmap in browsers, pixels in Node. */
  preview: Bitmap | StudioImage;
}

/** How a photo looks: mean lightness 0..1 and mean chroma (max - min channel, levels). */
export interface Look { lightness: number; chroma: number }

/** The mode the queue suggests: grey or a monochrome print -> 'colorize', dark -> 'enhance',
 *  a faded colour print (auto strength >= 0.5) -> 'restore'. */
export type Mode = 'colorize' | 'enhance' | 'restore';

export interface OpenedPhoto {
  info: ImageInfo;
  look: Look;
  /** The fade analysis of a colour photo; null for a grey one. */
  fade: FadeReport | null;
  suggestion: Mode | null;
  /** null in Node (no bitmaps there). */
  thumb: Bitmap | null;
}

/** What run() answers: the result's size and look, and the photo's before; restore: the
 *  analysis it used. */
export interface RunResult { width: number; height: number; look: Look; before: Look; fade?: FadeReport; damaged?: number }

export interface Studio {
  /** 'st' or 'mt': the build running. */
  readonly build: 'st' | 'mt';
  readonly threads: number;
  /** Why the single-thread build runs where the threaded one was chosen (it did not start
   *  within 20 s of its bytes arriving); undefined otherwise. */
  readonly fallback?: string;

  info(bytes: Bytes): Promise<ImageInfo>;
  /** Encoded bytes -> pixels, EXIF orientation applied. */
  decode(bytes: Bytes, options?: { onProgress?: ProgressCallback; digest?: boolean }): Promise<StudioImage>;
  encode(image: ImageInput, options?: EncodeOptions): Promise<Uint8Array>;
  resize(image: ImageInput, width: number, height: number, options?: { filter?: 'bilinear' | 'area' }): Promise<StudioImage>;
  /** Brighten a dark photo: encoded bytes or pixels in, pixels out. */
  enhance(input: Bytes | ImageInput, options?: EnhanceOptions): Promise<StudioImage>;
  /** Restore a faded colour print: encoded bytes or pixels in, pixels out (alpha kept; grey
   *  in, grey out unchanged), with the analysis used. A bad option rejects with code
   *  'argument' and the core's sentence. */
  restore(input: Bytes | ImageInput, options?: RestoreOptions): Promise<RestoredImage>;
  /** The fade analysis alone (cheap: the core reads a 384-pixel copy). */
  analyzeFade(input: Bytes | ImageInput): Promise<FadeReport>;
  /** Repair dust, scratches and cracks: detected (or exactly options.mask) and healed, with the
   *  mask healed. Bad options and masks reject with code 'argument' and the core's sentence. */
  repair(input: Bytes | ImageInput, options?: RepairOptions): Promise<RepairedImage>;
  /** The mask repair() would heal, alone: 1 channel the photo's size, 255 = damaged. */
  detectDamage(input: Bytes | ImageInput, options?: DetectOptions): Promise<StudioImage>;
  /** The colorization model: a URL (fetched, with progress), a Blob or File, or bytes (a
   *  .caffemodel or a file `studio convert` wrote). Checked layer by layer; a broken file is
   *  refused with the reason. Colour hints need no model.
   *
   *  After cancel() the studio loads the model into its new worker itself, from what it kept
   *  of `source` and with no copy of its own: a URL is fetched again, a Blob read again, and
   *  bytes are kept by reference. So bytes given here belong to the studio from then on
   *  (until another model is loaded): change or transfer them and a later cancel() rejects
   *  with code 'argument' (the model is then unloaded; load it again). Pass `bytes.slice()` to
   *  keep a copy of your own, or a Blob to let the browser keep it out of the JS heap. */
  loadModel(source: string | URL | Blob | Bytes, options?: LoadModelOptions): Promise<true>;
  convertModel(bytes: Bytes, options?: ConvertOptions): Promise<Converted>;
  /** Colour a grey photo: with the model, with colour hints, or both. */
  colorize(input: Bytes | ImageInput, options?: ColorizeOptions): Promise<StudioImage>;
  /** Bytes the worker's WASM memory holds (its peak so far: it never shrinks). */
  memory(): Promise<{ heap: number }>;
  /** How sure the network was of the last colorize call, per cell of its output grid. */
  confidence(): Promise<{ width: number; height: number; data: Float32Array } | null>;

  /** Photos kept in the worker under a key of yours (the page's session). */
  open(key: string, bytes: Uint8Array, options?: { thumb?: number; name?: string; type?: string }): Promise<OpenedPhoto>;
  /** A bitmap of the photo or its result; null in Node. */
  view(key: string, which?: 'input' | 'result'): Promise<Bitmap | null>;
  run(key: string, mode: 'enhance', options?: EnhanceOptions): Promise<RunResult>;
  run(key: string, mode: 'colorize', options?: ColorizeOptions): Promise<RunResult>;
  run(key: string, mode: 'restore', options?: RestoreOptions): Promise<RunResult>;
  /** Heal the kept mask (detected first if there is none); the answer's `damaged` counts it. */
  run(key: string, mode: 'repair', options?: Omit<RepairOptions, 'mask' | 'onProgress'>): Promise<RunResult>;
  /** The damage detected as the kept photo's mask; brush edits made before are kept over it. */
  repairBegin(key: string, options?: Omit<DetectOptions, 'onProgress'>): Promise<MaskState>;
  /** Replace the mask's brush edits (a new stroke, undo, redo): only what changed is painted,
   *  and once healed, healed again in place. */
  repairEdit(key: string, edits: MaskEdit[]): Promise<MaskState>;
  /** A mask file as the kept photo's mask (its edits dropped); refused with the core's reason. */
  repairLoad(key: string, mask: MaskInput): Promise<MaskState>;
  /** The whole overlay of the kept photo's mask. */
  repairView(key: string): Promise<MaskState>;
  /** The kept photo's mask as a greyscale PNG the photo's size (255 damaged). */
  repairSaveMask(key: string): Promise<Uint8Array>;
  hintsOpen(key: string, options?: Omit<ColorizeOptions, 'hints' | 'onProgress'>): Promise<HintsState>;
  hintAdd(key: string, hint: Hint): Promise<HintsState & { id: number }>;
  hintMove(key: string, id: number, dx: number, dy: number): Promise<HintsState>;
  hintRemove(key: string, id: number): Promise<HintsState>;
  hintsSet(key: string, hints: Hint[] | HintsFile): Promise<HintsState>;
  hintsExport(key: string): Promise<string>;
  suggestColours(key: string, x: number, y: number): Promise<Array<{ rgb: [number, number, number]; p: number }>>;
  readHints(hints: HintsFile, size?: { width: number; height: number }): Promise<{ width: number; height: number; points: PointHint[]; strokes: StrokeHint[] }>;
  export(key: string, options?: { format?: 'png' | 'jpeg'; quality?: number }): Promise<Uint8Array>;
  close(key: string): Promise<boolean>;
  transcode(bytes: Bytes, options?: { format?: 'png' | 'jpeg'; quality?: number }): Promise<Uint8Array>;
  zip(entries: Array<{ name: string; bytes: Uint8Array }>): Promise<Uint8Array>;

  /** Stop what runs now: pending calls reject with code 'cancelled'; the studio stays usable
   *  (the worker is replaced, and the model loaded before is loaded into the new one: see
   *  loadModel). */
  cancel(): Promise<void>;
  /** End the worker; every later call rejects. */
  terminate(): Promise<void> | void;
}

/** Start a studio: picks the build (SIMD required; threads where shared memory is allowed),
 *  starts its worker. The WASM module is fetched here, never on import. */
export function createStudio(options?: CreateOptions): Promise<Studio>;

/** Which build createStudio would pick here. */
export function pickBuild(options?: { threads?: 'auto' | number }): { build: 'st' | 'mt'; threads: number };

/** Whether this engine has WebAssembly SIMD (required). */
export function hasSimd(): boolean;

/** The most threads a studio uses. */
export const MAX_THREADS: number;
