// hints.js - the "Colour hints" mode of the page: the user's colours placed on the photo as
// points (click, tap, Enter) and strokes (drag), drawn as markers over it, selected, moved,
// recoloured and deleted with the pointer or the keyboard, undone and redone, exported and
// imported as the hints file. The page owns each photo's list of hints (so undo, redo and a
// worker that forgot the photo are all "send this list"); the worker owns the solve and
// answers each list with a preview at the working size. Edits faster than previews are
// coalesced: one call in flight per photo, and when it answers only the newest list is sent.
// The viewer (ui/viewer.js) hands this tool its pointer presses, keys and a pen to draw with;
// the touch, pan, zoom and undo rules are the brushes' (ui/brush.js, shared with the Repair mask).
import { Brush } from './brush.js';

const EMPTY = Object.freeze([]); // "no hints", as the worker has them before any edit
const GRAB = 6;                  // CSS px around a marker that still picks it

const hex = (rgb) => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
const rgbOf = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
// what the worker is sent: the hint without page-only fields
const plain = (h) => (h.kind === 'stroke' ? { id: h.id, kind: 'stroke', rgb: h.rgb, width: h.width, path: h.path }
  : { id: h.id, kind: 'point', x: h.x, y: h.y, r: h.r, rgb: h.rgb });

function describe(h, n) {
  if (h.kind === 'point') return `Hint ${n}: point at ${h.x}, ${h.y}, ${hex(h.rgb)}`;
  const [a, b] = [h.path[0], h.path[h.path.length - 1]];
  return `Hint ${n}: stroke from ${a[0]}, ${a[1]} to ${b[0]}, ${b[1]}, ${hex(h.rgb)}`;
}

// Distance from (px, py) to the segment a-b.
function toSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy;
  const t = len ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len)) : 0;
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

export class HintsMode extends Brush {
  /**
   * studio(): the studio; viewer: the Viewer; el: the page's hint controls by name; photo():
   * the selected queue item ({key, info, name, status, done}) or null; ensureOpen(item):
   * the photo decoded in the worker; options(): Colorize's options; modelReady(); message(text);
   * save(bytes, name, type); onActivate(): the mode turned on (Colorize is the page's mode);
   * onChange(): the page's controls need updating.
   */
  constructor({ studio, viewer, el, photo, ensureOpen, options, modelReady, message, save, onActivate, onChange }) {
    super(viewer, el);
    Object.assign(this, { studio, photo, ensureOpen, options, modelReady, message, save, onActivate, onChange });
    this.active = false;
    this.states = new Map(); // photo key -> its hints, undo and redo stacks, what the worker has
    this.gestures = 0; this.split = null;
    el.toggle.addEventListener('click', () => this.setActive(!this.active));
    el.colour.addEventListener('input', () => this.restyle('colour', (h) => ({ ...h, rgb: rgbOf(el.colour.value) })));
    el.brush.addEventListener('input', () => {
      this.restyle('size', (h) => (h.kind === 'point' ? { ...h, r: (this.size - 1) / 2 } : { ...h, width: this.size }));
    });
    el.show.addEventListener('change', () => viewer.draw());
    el.remove.addEventListener('click', () => this.removeSelected());
    el.clear.addEventListener('click', () => { const st = this.current(); if (st?.list.length) this.commit(st, EMPTY); });
    el.exportButton.addEventListener('click', () => this.exportFile());
    el.importInput.addEventListener('change', () => this.importFile());
    this.showSuggestions(null);
  }

  // Brush size (Brush.size): the point's square side (2r+1) and the stroke's width, in photo pixels.
  get rgb() { return rgbOf(this.el.colour.value); }

  state(item) {
    let st = this.states.get(item.key);
    if (!st) {
      st = { item, list: EMPTY, sent: EMPTY, posted: EMPTY, rendered: EMPTY, options: null, force: false, undo: [], redo: [], tag: null,
        selected: null, nextId: 1, busy: null, answer: null };
      this.states.set(item.key, st);
    }
    return st;
  }

  current() {
    const item = this.photo();
    return item && ['ready', 'done', 'cancelled', 'failed'].includes(item.status) && this.viewer.width ? this.state(item) : null;
  }

  // ------------------------------------------------------------ what the page asks

  /** How many hints the photo has. */
  count(item) { return this.states.get(item?.key)?.list.length ?? 0; }
  /** The photo's hints changed since its last full-size result. */
  stale(item) { const st = this.states.get(item?.key); return !!st && st.list !== st.rendered; }
  /** Before a full-size run: the worker has the photo's current hints. */
  async flush(item) {
    const st = this.states.get(item.key);
    if (st && (st.list !== st.sent || st.busy)) await this.pump(st);
  }
  /** A full-size run was posted just now: it renders what the worker was last sent. */
  rendering(item) { const st = this.states.get(item.key); if (st) st.rendering = st.posted; }
  rendered(item) { const st = this.states.get(item.key); if (st) st.rendered = st.rendering ?? st.rendered; }
  /** The worker let the photo go (or was replaced): it has no hints for it any more. */
  lost(key) {
    const st = this.states.get(key);
    if (st) { st.sent = st.posted = EMPTY; st.options = null; }
  }
  lostAll() { for (const key of this.states.keys()) this.lost(key); }
  /** The queue was cleared. */
  reset() { this.states.clear(); this.update(); }

  /** Mode changed: hints belong to Colorize (turning them on picks it). */
  setMode(mode) {
    if (mode !== 'colorize' && this.active) this.setActive(false);
  }

  setActive(on) {
    this.active = on;
    this.el.toggle.setAttribute('aria-pressed', String(on));
    this.el.tools.hidden = !on;
    this.el.panel.hidden = !on;
    this.viewer.box.classList.toggle('hints-on', on);
    // the whole picture shows the colours while hinting; the user's split comes back after
    const split = this.viewer.split;
    if (on) { this.split = split.value; split.value = '0'; } else if (this.split !== null) { split.value = this.split; this.split = null; }
    if (on) this.onActivate();
    this.select(this.photo());
    this.onChange();
  }

  /** The selected photo changed (or was shown): its hints on screen, its preview asked for. */
  select(item) {
    this.showSuggestions(null);
    this.gesture = null;
    const st = item && this.states.get(item.key);
    if (st && !st.list.some((h) => h.id === st.selected)) st.selected = null;
    this.update();
    if (this.active && this.current()) { const s = this.current(); s.force = true; this.pump(s); }
  }

  /** Colorize's options or the model changed: a new preview when it is on show. */
  refresh() {
    this.showSuggestions(null);
    const st = this.current();
    if (st && (this.active || st.list.length)) { st.force = true; this.pump(st); }
  }

  // ------------------------------------------------------------ edits (each one undoable)

  // The new list for the photo; consecutive edits with the same tag (a drag, a run of arrow
  // keys, the colour picker's stream) are one step of undo.
  commit(st, list, tag = null) {
    if (!(tag && tag === st.tag)) { st.undo.push(st.list); st.redo.length = 0; }
    st.tag = tag;
    st.list = list;
    this.message(''); // what it said (a refusal, "add hints") is past
    this.changed(st);
  }

  changed(st) {
    if (!st.list.some((h) => h.id === st.selected)) st.selected = null;
    this.update();
    this.pump(st);
    this.onChange(); // Download: there is something new to render
  }

  // A new hint in the chosen colour. It is selected only when asked (Enter: the arrows then
  // place it); otherwise the selection ends, so the next colour chosen is for the next hint.
  add(st, hint, select = false) {
    const h = { ...hint, id: st.nextId++, rgb: this.rgb };
    st.selected = select ? h.id : null;
    this.commit(st, [...st.list, h]);
    return h;
  }

  addPoint(st, x, y, select) {
    const h = this.add(st, { kind: 'point', ...this.inside(x, y), r: (this.size - 1) / 2 }, select);
    if (this.modelReady()) this.suggest(st, h);
    return h;
  }

  /** Select hint id (null: none) without rebuilding the list; the colour input shows its colour. */
  selectHint(st, id) {
    st.selected = id;
    const h = st.list.find((x) => x.id === id);
    if (h) this.el.colour.value = hex(h.rgb);
    for (const b of this.el.list.querySelectorAll('.hint-item')) b.setAttribute('aria-pressed', String(Number(b.dataset.id) === id));
    this.el.remove.disabled = !h;
    this.viewer.draw();
  }

  replace(st, id, f, tag) {
    const list = st.list.map((h) => (h.id === id ? f(h) : h));
    this.commit(st, list, tag);
  }

  // Move hint id by (dx, dy), kept inside the photo (a stroke as a whole).
  moved(h, dx, dy) {
    const { width: w, height: hgt } = this.viewer, box = [Infinity, Infinity, -Infinity, -Infinity]; // a path may be long: no spread
    for (const [x, y] of h.kind === 'point' ? [[h.x, h.y]] : h.path) {
      box[0] = Math.min(box[0], x); box[1] = Math.min(box[1], y); box[2] = Math.max(box[2], x); box[3] = Math.max(box[3], y);
    }
    dx = Math.max(-box[0], Math.min(w - 1 - box[2], dx));
    dy = Math.max(-box[1], Math.min(hgt - 1 - box[3], dy));
    return h.kind === 'point' ? { ...h, x: h.x + dx, y: h.y + dy } : { ...h, path: h.path.map(([x, y]) => [x + dx, y + dy]) };
  }

  nudge(st, id, dx, dy) { this.replace(st, id, (h) => this.moved(h, dx, dy), `keys:${id}`); }

  remove(st, id) { this.commit(st, st.list.filter((h) => h.id !== id)); }

  removeSelected() {
    const st = this.current();
    if (st?.selected) this.remove(st, st.selected);
  }

  // The colour or size controls changed: the selected hint takes it (new hints take it anyway).
  restyle(what, f) {
    const st = this.current();
    if (this.active && st?.selected) this.replace(st, st.selected, f, `${what}:${st.selected}`);
  }

  // (undo and redo: Brush.step) the next edit is a step of its own
  stepped(st) { st.tag = null; }

  // ------------------------------------------------------------ the worker: previews

  // One call in flight per photo; when it answers, the newest list (or options) goes next.
  pump(st) {
    st.busy ||= this.sync(st).finally(() => { st.busy = null; this.status(st); });
    this.status(st);
    return st.busy;
  }

  async sync(st) {
    const { item } = st;
    for (;;) {
      const options = this.options(), key = JSON.stringify(options), list = st.list;
      if (list === st.sent && key === st.options && !st.force) return;
      let answer = null;
      try {
        await this.ensureOpen(item);
        if (key !== st.options || st.force) {
          st.force = false;
          answer = await this.studio().hintsOpen(item.key, options); // also a fresh preview when forced
          st.options = key;
        }
        if (list !== st.sent) {
          answer?.preview?.close?.();
          st.posted = list;
          answer = await this.studio().hintsSet(item.key, list.map(plain));
          st.sent = list;
        }
      } catch (e) {
        answer?.preview?.close?.();
        if (e.code === 'cancelled') return; // the worker was replaced; lost() has reset this photo
        this.message(`${item.name}: ${e.message}`);
        st.list = st.sent; // the refused edit is dropped
        st.force = false;
        this.update();
        return;
      }
      this.preview(st, answer);
    }
  }

  // Show the answer's preview over the photo unless a full-size result of these very hints is on show.
  preview(st, answer) {
    st.answer = { model: answer.model, ms: answer.ms, workWidth: answer.workWidth, workHeight: answer.workHeight };
    const { item } = st, v = this.viewer;
    const current = item.done?.mode === 'colorize' && item.status === 'done' && !this.stale(item);
    if (item === this.photo() && !current && v.before && v.before.width === answer.width && v.before.height === answer.height) {
      v.show(v.before, answer.preview);
      this.onChange();
    } else {
      answer.preview?.close?.();
    }
  }

  status(st) {
    if (st.item !== this.photo()) return;
    const n = st.list.length, s = this.el.status, a = st.answer;
    const count = n ? `${n} hint${n > 1 ? 's' : ''}` : 'No hints yet';
    s.textContent = st.busy ? `${count}: updating the preview…`
      : a ? `${count}. Preview ${a.workWidth}x${a.workHeight} in ${a.ms} ms${a.model ? ', the network as the starting point' : ''}.` : `${count}.`;
    s.dataset.pending = String(!!st.busy);
    s.dataset.count = String(n);
  }

  // ------------------------------------------------------------ suggested colours

  // The network's likeliest colours where point h was placed; choosing one recolours h.
  async suggest(st, h) {
    const seq = (this.suggestSeq = (this.suggestSeq || 0) + 1);
    try {
      await st.busy;
      const list = await this.studio().suggestColours(st.item.key, h.x, h.y);
      if (seq === this.suggestSeq && st.item === this.photo()) this.showSuggestions(list, st, h);
    } catch (e) {
      if (e.code !== 'cancelled') this.message(`${st.item.name}: ${e.message}`);
    }
  }

  showSuggestions(list, st, hint) {
    const box = this.el.suggested;
    if (!list) {
      box.replaceChildren();
      this.el.suggestNote.textContent = this.modelReady()
        ? 'Click the photo: the network suggests the colours it finds likely there.'
        : 'With the colorization model loaded, a click on the photo would also suggest the colours the network finds likely there.';
      return;
    }
    this.el.suggestNote.textContent = list.length ? `At ${hint.x}, ${hint.y} (a choice recolours that hint):` : `No suggestion at ${hint.x}, ${hint.y}.`;
    box.replaceChildren(...list.map((c, i) => {
      const b = document.createElement('button'), h = hex(c.rgb);
      b.type = 'button'; b.className = 'swatch-button';
      b.setAttribute('aria-label', `Suggested colour ${i + 1}: ${h}, ${Math.round(c.p * 100)}%`);
      b.title = `${h}, ${Math.round(c.p * 100)}%`;
      b.style.backgroundColor = h; // CSSOM, not a style attribute: the CSP allows it
      b.addEventListener('click', () => {
        this.el.colour.value = h;
        if (st.list.some((x) => x.id === hint.id)) this.replace(st, hint.id, (x) => ({ ...x, rgb: c.rgb }), `suggest:${hint.id}`);
      });
      return b;
    }));
  }

  // ------------------------------------------------------------ file: export, import

  exportFile() {
    return this.saveWork('hints.json', 'application/json', async (key) => new TextEncoder().encode(await this.studio().hintsExport(key)),
      'Could not export the hints');
  }

  async importFile() {
    const file = this.el.importInput.files[0], st = this.current();
    this.el.importInput.value = '';
    if (!file || !st) return;
    try {
      const { width, height } = this.viewer;
      const h = await this.studio().readHints(await file.text(), { width, height }); // the core's checks and messages
      // strokes first, points over them: the order the core paints them in anyway
      const list = [...(h.strokes || []).map((k) => ({ kind: 'stroke', rgb: k.rgb, width: k.width, path: k.path })),
        ...(h.points || []).map((p) => ({ kind: 'point', x: p.x, y: p.y, r: p.r, rgb: p.rgb }))].map((x) => ({ ...x, id: st.nextId++ }));
      st.selected = null;
      this.commit(st, list);
      this.message('');
      this.el.status.textContent = `Imported ${list.length} hint${list.length === 1 ? '' : 's'} from ${file.name}.`;
    } catch (e) {
      this.message(`${file.name}: ${e.message}`);
    }
  }

  // ------------------------------------------------------------ the viewer's tool

  down(e, p) {
    const st = this.current();
    if (!st || !this.paints(e)) return false;
    const hit = this.hit(st, e);
    if (hit) {
      this.selectHint(st, hit.id);
      this.gesture = { kind: 'move', st, id: hit.id, from: p, tag: `drag:${++this.gestures}`, moved: false };
      return true;
    }
    if (!this.onPhoto(p)) return false; // outside: pan
    this.gesture = this.stroke(e, p, { st });
    return true;
  }

  move(e, p) {
    const g = this.gesture;
    if (!g) return;
    if (g.kind === 'move') {
      const dx = Math.round(p.x - g.from.x), dy = Math.round(p.y - g.from.y);
      if (!dx && !dy && !g.moved) return;
      const orig = g.orig ||= g.st.list.find((h) => h.id === g.id);
      g.moved = true;
      if (orig) this.replace(g.st, g.id, () => this.moved(orig, dx, dy), g.tag);
      return;
    }
    this.drag(g, e, p);
  }

  up() {
    const g = this.gesture;
    this.gesture = null;
    if (!g || g.kind === 'move') { this.viewer.draw(); return; }
    const { st } = g;
    if (g.stroke && g.path.length > 1) this.add(st, { kind: 'stroke', width: this.size, path: g.path.map((q) => [q.x, q.y]) });
    else this.addPoint(st, g.from.x, g.from.y);
  }

  key(e) {
    const st = this.current();
    if (!this.active || !st || e.ctrlKey || e.metaKey || e.altKey) return false;
    if (e.key === 'Enter') { // a point at the middle of the view: then arrows place it
      const c = this.middle();
      this.addPoint(st, c.x, c.y, true);
      return true;
    }
    return !!st.selected && this.hintKey(e, st, st.selected);
  }

  // Arrows move a hint (Shift: 10 px), Delete or Backspace removes it, Escape lets it go.
  hintKey(e, st, id) {
    const step = e.shiftKey ? 10 : 1;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (moves[e.key]) this.nudge(st, id, ...moves[e.key]);
    else if (e.key === 'Delete' || e.key === 'Backspace') this.remove(st, id);
    else if (e.key === 'Escape') this.selectHint(st, null);
    else return false;
    return true;
  }

  // The topmost marker under the pointer.
  hit(st, e) {
    if (!this.el.show.checked) return null;
    const v = this.viewer, r = v.box.getBoundingClientRect(), px = e.clientX - r.left, py = e.clientY - r.top;
    for (const h of [...st.list].reverse()) {
      if (h.kind === 'point') {
        const { cx, cy, half } = this.square(h);
        if (Math.max(Math.abs(px - cx), Math.abs(py - cy)) <= half + GRAB / 2) return h;
      } else {
        const pts = h.path.map(([x, y]) => [v.x + (x + 0.5) * v.scale, v.y + (y + 0.5) * v.scale]);
        const reach = Math.max(GRAB, (h.width * v.scale) / 2);
        for (let i = 0; i < pts.length; i++) {
          const [a, b] = [pts[i], pts[Math.min(i + 1, pts.length - 1)]];
          if (toSegment(px, py, a[0], a[1], b[0], b[1]) <= reach) return h;
        }
      }
    }
    return null;
  }

  // A point's marker: its square on screen, at least big enough to see and to grab.
  square(h) {
    const v = this.viewer;
    return { cx: v.x + (h.x + 0.5) * v.scale, cy: v.y + (h.y + 0.5) * v.scale, half: Math.max(6, ((2 * h.r + 1) * v.scale) / 2) };
  }

  draw(g, v) {
    const st = this.current();
    if (!this.active || !st || !this.el.show.checked) return;
    const line = (path, width, colour) => Brush.line(g, v, path, width, colour);
    g.save();
    g.lineCap = 'round'; g.lineJoin = 'round';
    const strokeMarker = (path, rgb, selected) => {
      if (selected) line(path, 13, '#ffd60a');
      line(path, 8, '#000');
      line(path, 6, '#fff');
      line(path, 4, hex(rgb));
    };
    for (const h of st.list) {
      if (h.kind === 'stroke') { strokeMarker(h.path, h.rgb, h.id === st.selected); continue; }
      const { cx, cy, half } = this.square(h);
      // a square outlined black and white (seen on any photo) filled with its colour; a big
      // one is only outlined around a small swatch, so the colours it makes stay in view
      const frame = (d, width, colour) => { g.lineWidth = width; g.strokeStyle = colour; g.strokeRect(cx - d, cy - d, 2 * d, 2 * d); };
      const outlined = (d) => { frame(d + 0.75, 1.5, '#000'); frame(d - 0.75, 1.5, '#fff'); };
      if (h.id === st.selected) frame(half + 4, 3, '#ffd60a');
      outlined(half);
      const swatch = half > 8 ? 6 : half - 1.5;
      if (half > 8) outlined(swatch + 1.5);
      g.fillStyle = hex(h.rgb); g.fillRect(cx - swatch, cy - swatch, 2 * swatch, 2 * swatch);
    }
    const p = this.gesture;
    if (p?.kind === 'paint' && p.stroke) strokeMarker(p.path.map((q) => [q.x, q.y]), this.rgb, false);
    g.restore();
  }

  // ------------------------------------------------------------ controls

  /** Enable what applies, list the hints, redraw the markers. */
  update() {
    const st = this.current(), el = this.el;
    this.showHistory(st);
    el.remove.disabled = !st?.selected;
    el.clear.disabled = el.exportButton.disabled = !st?.list.length;
    el.importButton.classList.toggle('disabled', !st);
    el.importInput.disabled = !st;
    if (st) this.status(st); else { el.status.textContent = 'Open a photo, then click it to place a colour.'; el.status.dataset.count = '0'; }
    this.renderList(st);
    this.viewer.draw();
  }

  // One button per hint: Tab reaches each; focus selects it, arrows move it, Delete removes it.
  renderList(st) {
    const list = this.el.list, focused = document.activeElement?.closest?.('#hint-list') ? Number(document.activeElement.dataset.id) : null;
    const items = (st?.list || []).map((h, i) => {
      const li = document.createElement('li'), b = document.createElement('button'), sw = document.createElement('span');
      b.type = 'button'; b.className = 'hint-item'; b.dataset.id = h.id;
      b.setAttribute('aria-pressed', String(h.id === st.selected));
      sw.className = 'swatch'; sw.style.backgroundColor = hex(h.rgb);
      sw.setAttribute('aria-hidden', 'true');
      b.append(sw, describe(h, i + 1));
      b.addEventListener('focus', () => { if (st.selected !== h.id) this.selectHint(st, h.id); });
      b.addEventListener('click', () => this.selectHint(st, h.id));
      b.addEventListener('keydown', (e) => {
        if (e.ctrlKey || e.metaKey || e.altKey) return;
        const at = st.list.findIndex((x) => x.id === h.id);
        if (!this.hintKey(e, st, h.id)) return;
        e.preventDefault();
        if (e.key === 'Delete' || e.key === 'Backspace') { // focus stays in the list: the next hint, else the previous one
          const next = st.list[Math.min(at, st.list.length - 1)];
          (next ? list.querySelector(`[data-id="${next.id}"]`) : this.viewer.box).focus();
        }
      });
      li.append(b);
      return li;
    });
    list.replaceChildren(...items);
    this.el.listNote.hidden = items.length > 0;
    if (focused !== null) list.querySelector(`[data-id="${focused}"]`)?.focus();
  }
}
