// mask.js - the Repair mode's mask on the page (issue 26): the damage the core detects drawn
// over the photo as a translucent magenta overlay, a brush to mark more or erase marks (the
// touch, pan, zoom and undo rules are the brushes', ui/brush.js), and the mask saved as a
// greyscale PNG or opened from one. The page owns each photo's list of brush edits (so undo,
// redo and a worker that forgot the photo are all "send this list"); the worker owns the mask
// and the pixels (session.js, repairOps): it answers each list with the changed part of the
// overlay, and, once the photo is healed, with the part of the result healed again, which are
// drawn where they belong. One call in flight per photo; edits made meanwhile go as one list.
// The parts healed again are drawn over the After picture as they came (a 12 MP picture is
// never copied on this thread); past PATCHES of them the worker's whole result replaces them.
// Keys on the photo, for painting without a pointer (the keyboard's brush, ui/brush.js):
// Enter shows the brush, a circle its size, at the middle of the view, pen up; then Enter
// puts the pen down and lifts it again, arrows move it (Shift: further; the view pans to keep
// it in sight), Esc puts it away (a stroke being painted is kept). Each pen down..up is one
// stroke, sent, undone and healed in place as a pointer's is (up()). Space is left alone:
// held, it is space + drag's pan. What the keys did is said in a status region (el.keys):
// at once for Enter and Esc, for the arrows once they pause (SAY_MS), so holding one is not
// read out step by step. A press that paints puts the keyboard's brush away.

import { Brush } from './brush.js';

const EMPTY = Object.freeze([]);
// the stroke being painted, before the worker's overlay replaces it
const PREVIEW = { add: 'rgba(255, 0, 170, 0.67)', erase: 'rgba(255, 255, 255, 0.75)' };
const plain = (e) => ({ id: e.id, kind: e.kind, width: e.width, path: e.path });
const canvas = (w, h) => Object.assign(document.createElement('canvas'), { width: w, height: h });
const PATCHES = 48;
const SAY_MS = 500;
const KEYS_HELP = 'Arrows move it (Shift: further), Enter puts the pen down and lifts it, Esc puts the brush away.';
const covers = (a, b) => a.x <= b.x && a.y <= b.y && a.x + a.width >= b.x + b.width && a.y + a.height >= b.y + b.height;

export class MaskMode extends Brush {
  /**
   * studio(): the studio; viewer: the Viewer; el: the page's Repair controls by name; photo():
   * the selected queue item or null; ensureOpen(item); detectOptions(): {sensitivity, grow};
   * message(text); save(bytes, name, type); onChange(): the page's controls need updating;
   * onHealed(item): the result changed in the worker (a stroke healed in place). el.keys: the
   * status region saying what the keyboard's brush did.
   */
  constructor({ studio, viewer, el, photo, ensureOpen, detectOptions, message, save, onChange, onHealed }) {
    super(viewer, el);
    Object.assign(this, { studio, photo, ensureOpen, detectOptions, message, save, onChange, onHealed });
    this.active = false;
    this.erasing = false;
    this.sayTimer = 0;
    this.states = new Map(); // photo key -> its edits, undo and redo, what the worker has, its overlay
    el.add.addEventListener('click', () => this.setErasing(false));
    el.erase.addEventListener('click', () => this.setErasing(true));
    el.show.addEventListener('change', () => viewer.draw());
    el.saveButton.addEventListener('click', () => this.saveFile());
    el.openInput.addEventListener('change', () => this.openFile());
  }

  state(item) {
    let st = this.states.get(item.key);
    if (!st) {
      st = { item, list: EMPTY, sent: EMPTY, undo: [], redo: [], nextId: 1, file: null, based: false, detect: null, busy: null, overlay: null,
        damaged: null, strokeAt: 0, patches: [], patchedOn: null };
      this.states.set(item.key, st);
    }
    return st;
  }

  current() {
    const item = this.photo();
    return item && ['ready', 'done', 'cancelled', 'failed'].includes(item.status) && this.viewer.width ? this.state(item) : null;
  }

  // ------------------------------------------------------------ what the page asks

  /** The mode changed: the brush and the overlay are Repair's. */
  setMode(mode) {
    this.active = mode === 'repair';
    this.el.tools.hidden = !this.active;
    this.viewer.box.classList.toggle('mask-on', this.active);
    this.select(this.photo());
  }

  /** The selected photo changed (or was shown): its mask on screen, asked for if need be. */
  select(item) {
    this.gesture = null;
    this.hideCursor();
    this.say('');
    for (const st of this.states.values()) { // one overlay kept, and its parts healed: the photo on show
      if (st.item !== item) { st.overlay = null; this.dropPatches(st); }
    }
    this.update();
    const st = this.active && this.current();
    if (st) this.pump(st);
  }

  /** Sensitivity or grow changed: the damage found again (the edits stay over it). */
  refresh() {
    const st = this.current();
    if (st && (this.active || st.based)) this.pump(st);
  }

  /** The photo's mask is in the worker with every edit: Heal heals what is on screen. */
  async flush(item) {
    const st = this.state(item);
    // a pump that failed has said why (its message): then the worker's mask is what it is
    for (let tries = 0; tries < 3 && (st.busy || !st.based || st.list !== st.sent); tries++) await this.pump(st);
    if (!st.based) throw Object.assign(new Error(`its mask could not be made: ${st.error ?? 'the worker did not answer'}`), { code: 'argument' });
  }

  /** Heal can run: the photo's mask is known. */
  ready(item) { const st = item && this.states.get(item.key); return !!st?.based && !st.busy; }

  /** The worker let the photo go (or was replaced): it has no mask for it any more. */
  lost(key) {
    const st = this.states.get(key);
    if (st) { st.based = false; st.sent = EMPTY; st.overlay = null; }
  }
  lostAll() { for (const key of this.states.keys()) this.lost(key); }
  /** The queue was cleared. */
  reset() { this.states.clear(); this.gesture = null; this.hideCursor(); this.say(''); this.update(); }

  /** What a stroke begun now does: 'add' or 'erase'. */
  get mark() { return this.erasing ? 'erase' : 'add'; }

  setErasing(on) {
    this.erasing = on;
    this.el.add.setAttribute('aria-pressed', String(!on));
    this.el.erase.setAttribute('aria-pressed', String(on));
  }

  // ------------------------------------------------------------ edits (each one undoable)

  commit(st, list) {
    st.undo.push(st.list);
    st.redo.length = 0;
    st.list = list;
    this.message('');
    this.changed(st);
  }

  changed(st) {
    this.update();
    this.pump(st);
  }

  // (undo and redo: Brush.step) timed as a stroke is
  stepped(st) { st.strokeAt = performance.now(); }

  // ------------------------------------------------------------ the worker

  pump(st) {
    st.busy ||= this.sync(st).finally(() => { st.busy = null; if (st.item === this.photo()) this.update(); this.onChange(); });
    this.status(st);
    return st.busy;
  }

  async sync(st) {
    const { item } = st, studio = () => this.studio();
    for (;;) {
      const options = this.detectOptions(), key = JSON.stringify(options), list = st.list;
      const base = !st.based || (!st.file && key !== st.detect);
      const view = !base && !st.overlay && item === this.photo();
      if (!base && !view && list === st.sent) return;
      let answer = null;
      const t0 = st.strokeAt;
      try {
        await this.ensureOpen(item);
        if (base) {
          // a re-detection keeps the worker's edits; a photo the worker lost has none
          if (!st.based || st.file) st.sent = EMPTY;
          answer = st.file ? await studio().repairLoad(item.key, st.file) : await studio().repairBegin(item.key, options);
          st.based = true; st.detect = key;
        } else if (view) {
          answer = await studio().repairView(item.key);
        }
        if (list !== st.sent) {
          if (answer) this.apply(st, answer);
          answer = await studio().repairEdit(item.key, list.map(plain));
          st.sent = list;
        }
      } catch (e) {
        if (e.code === 'cancelled') return; // the worker was replaced; lost() has reset this photo
        this.message(`${item.name}: ${e.message}`);
        st.error = e.message;
        st.list = st.sent; // the refused edit is dropped
        this.update();
        return;
      }
      if (answer) this.apply(st, answer, t0);
    }
  }

  // Draw what the worker answered: the overlay's changed part, and the result's.
  apply(st, a, t0 = 0) {
    st.damaged = a.damaged;
    const shown = st.item === this.photo(), v = this.viewer;
    if (a.overlay) {
      if (shown && (st.overlay || a.overlay.whole)) {
        if (a.overlay.whole || !st.overlay) st.overlay = canvas(a.width, a.height);
        const g = st.overlay.getContext('2d');
        g.clearRect(a.overlay.x, a.overlay.y, a.overlay.width, a.overlay.height);
        g.drawImage(a.overlay.image, a.overlay.x, a.overlay.y);
      }
      a.overlay.image.close?.();
    }
    if (a.healed) {
      const item = st.item, part = a.healed;
      if (shown && item.done?.mode === 'repair' && v.after && v.width === a.width && v.height === a.height) {
        if (st.patchedOn !== v.after) this.dropPatches(st, v.after);
        for (const q of st.patches.filter((q) => covers(part, q))) q.image.close?.();
        st.patches = [...st.patches.filter((q) => !covers(part, q)), part];
        if (st.patches.length > PATCHES) this.wholeResult(st);
      } else {
        part.image.close?.();
      }
      this.onHealed(item);
      if (t0) {
        this.el.status.dataset.strokeMs = String(Math.round(performance.now() - t0));
        this.el.status.dataset.healMs = String(a.ms);
        this.el.status.dataset.healed = `${a.healed.width}x${a.healed.height}`;
        this.el.status.dataset.strokes = String(Number(this.el.status.dataset.strokes || 0) + 1); // strokes healed in place (the bench counts them)
      }
    }
    this.status(st);
    v.draw();
  }

  // The result's parts healed again, drawn over `on` (the After picture they belong to).
  dropPatches(st, on = null) {
    for (const q of st.patches) q.image.close?.();
    st.patches = [];
    st.patchedOn = on;
  }

  // Many parts on show: the worker's whole result in their place.
  async wholeResult(st) {
    try {
      const bmp = await this.studio().view(st.item.key, 'result');
      const v = this.viewer;
      if (st.item !== this.photo() || st.item.done?.mode !== 'repair') { bmp.close?.(); return; }
      this.dropPatches(st);
      v.show(v.before, bmp);
    } catch { /* the worker was replaced: the patches stay until the photo is shown again */ }
  }

  status(st) {
    if (st.item !== this.photo()) return;
    const s = this.el.status, n = st.damaged, { width, height } = this.viewer;
    const marked = n === null ? 'Finding dust and scratches…'
      : `${n ? `${n.toLocaleString('en')} px marked (${((100 * n) / Math.max(1, width * height)).toFixed(2)}% of the photo)` : 'Nothing marked'}`;
    s.textContent = st.busy && n !== null ? `${marked}: updating…` : `${marked}.`;
    s.dataset.pending = String(!!st.busy);
    s.dataset.damaged = String(n ?? '');
  }

  // ------------------------------------------------------------ file: save, open

  saveFile() {
    return this.saveWork('mask.png', 'image/png', (key) => this.studio().repairSaveMask(key), 'Could not save the mask');
  }

  async openFile() {
    const file = this.el.openInput.files[0], st = this.current();
    this.el.openInput.value = '';
    if (!file || !st) return;
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      while (st.busy) await st.busy;
      await this.ensureOpen(st.item);
      const answer = await this.studio().repairLoad(st.item.key, bytes); // the core's checks and reasons
      Object.assign(st, { file: bytes, based: true, list: EMPTY, sent: EMPTY, undo: [], redo: [], overlay: null });
      this.apply(st, answer);
      this.message('');
      this.update();
      this.el.status.textContent = `Opened ${file.name}: ${this.el.status.textContent}`;
    } catch (e) {
      if (e.code !== 'cancelled') this.message(`${file.name}: ${e.message}`);
    }
  }

  // ------------------------------------------------------------ the viewer's tool

  down(e, p) {
    const st = this.current();
    if (!st || !this.paints(e) || !this.onPhoto(p)) return false; // outside the photo: pan
    if (this.cursor) this.keysOff();
    this.gesture = this.stroke(e, p, { st, mark: this.mark });
    return true;
  }

  move(e, p) {
    if (this.gesture) this.drag(this.gesture, e, p);
  }

  // The pointer's release, or the keyboard's pen lifted: the stroke is one edit. A click (or
  // the pen put down and lifted in place) stamps the brush once; a drag paints its path.
  up() {
    const g = this.gesture;
    this.gesture = null;
    if (!g) return;
    const { st } = g;
    st.strokeAt = performance.now();
    this.commit(st, [...st.list, { id: st.nextId++, kind: g.mark, width: this.size, path: g.path.map((q) => [q.x, q.y]) }]);
    if (g.keys) this.say(this.lifted(g));
  }

  key(e) {
    const st = this.current();
    if (!this.active || !st || e.ctrlKey || e.metaKey || e.altKey) return false;
    if (e.key === 'Enter') {
      if (e.repeat || (this.gesture && !this.gesture.keys)) return true; // held, or a pointer is painting
      if (!this.cursor) { this.showCursor(); this.say(`${this.where()} ${KEYS_HELP}`); }
      else if (this.gesture) this.up();
      else {
        this.penDown({ st, mark: this.mark });
        this.say(`Pen down at ${this.cursor.x}, ${this.cursor.y}: ${this.erasing ? 'erasing marks' : 'marking damage'}.`);
      }
      return true;
    }
    if (e.key === 'Escape' && this.cursor) { this.keysOff(); return true; }
    if (!this.moveCursor(e)) return false;
    clearTimeout(this.sayTimer);
    this.sayTimer = setTimeout(() => this.say(this.where()), SAY_MS);
    return true;
  }

  // Keyboard painting ends: a stroke being painted is kept, the brush put away.
  keysOff() {
    const g = this.gesture?.keys && this.gesture;
    if (g) this.up();
    this.hideCursor();
    this.say(`${g ? `${this.lifted(g)} ` : ''}Keyboard brush put away.`);
  }

  // What the keyboard's brush is over, for the status region.
  where() {
    const c = this.cursor, at = this.edges();
    return `Brush at ${c.x}, ${c.y}, ${this.size} px, pen ${this.gesture?.keys ? 'down' : 'up'}${at.length ? `, at the photo's ${at.join(' and ')} edge` : ''}.`;
  }

  lifted(g) {
    const c = g.path[g.path.length - 1];
    return `Pen up at ${c.x}, ${c.y}: ${g.mark === 'erase' ? 'marks erased' : 'damage marked'} along the stroke.`;
  }

  say(text) {
    clearTimeout(this.sayTimer);
    this.el.keys.textContent = text;
  }

  draw(g, v) {
    const st = this.current();
    if (!st) return;
    const cut = v.after ? (v.cssW * Number(v.split.value)) / 100 : v.cssW;
    if (st.patches.length && st.patchedOn !== v.after) this.dropPatches(st); // another picture is on show now
    if (st.patches.length) { // the result's parts healed again, right of the split
      g.save();
      g.beginPath(); g.rect(cut + 2, 0, v.cssW - cut - 2, v.cssH); g.clip(); // (the split's line stays on top)
      for (const q of st.patches) g.drawImage(q.image, v.x + q.x * v.scale, v.y + q.y * v.scale, q.width * v.scale, q.height * v.scale);
      g.restore();
    }
    g.save();
    if (this.el.show.checked && st.overlay) {
      // over the original only: right of the split the healed result shows as it is
      g.beginPath(); g.rect(0, 0, v.after ? cut - 1 : cut, v.cssH); g.clip();
      g.drawImage(st.overlay, v.x, v.y, v.width * v.scale, v.height * v.scale);
    }
    g.restore();
    const p = this.gesture;
    if (p) {
      g.save();
      g.lineCap = 'round'; g.lineJoin = 'round';
      Brush.line(g, v, p.path.map((q) => [q.x, q.y]), Math.max(1, this.size * v.scale), PREVIEW[p.mark]);
      g.restore();
    }
    this.drawCursor(g, v);
  }

  // ------------------------------------------------------------ controls

  update() {
    const st = this.current(), el = this.el;
    this.showHistory(st);
    el.saveButton.disabled = !st?.based;
    el.openButton.classList.toggle('disabled', !st);
    el.openInput.disabled = !st;
    if (st) this.status(st);
    else { el.status.textContent = 'Open a photo: the damage found in it is marked here.'; el.status.dataset.damaged = ''; }
    this.viewer.draw();
  }
}
