// brush.js - what the page's two brushes share: the colour hints (ui/hints.js) and the Repair
// mode's mask (ui/mask.js). A Brush is one of the viewer's tools (ui/viewer.js): while it is
// active, a one-pointer press on the photo paints (a press that wanders less than TAP CSS px is
// a click), while everything else stays the viewer's, alike in both: a second finger turns the
// stroke into a pinch, a right or middle drag and space + drag pan, the wheel zooms, a touch
// on the fitted photo scrolls the page; no double-tap zoom while painting. Ctrl+Z and
// Ctrl+Shift+Z (Cmd on macOS; Ctrl+Y too) undo and redo wherever the focus is but in text;
// the size slider says its size. Subclasses give active, current() (the photo's state: its
// list, undo and redo stacks), changed(st) and what a stroke does.

export const TAP = 4; // CSS px a press may wander and still be a click, not a stroke

export class Brush {
  /** viewer: the Viewer; el: {brush (the size slider), brushOut (its output), undo, redo}. */
  constructor(viewer, el) {
    this.viewer = viewer; this.el = el;
    this.gesture = null; this.space = false;
    viewer.addTool(this);
    el.brush.addEventListener('input', () => { el.brushOut.value = `${this.size} px`; });
    el.undo.addEventListener('click', () => this.undo());
    el.redo.addEventListener('click', () => this.redo());
    document.addEventListener('keydown', (e) => {
      if (!this.active || !(e.ctrlKey || e.metaKey) || e.altKey || /^(text|search|email|url|number)$/.test(e.target.type || '')) return;
      const k = e.key.toLowerCase();
      if (k === 'z' && !e.shiftKey) this.undo();
      else if ((k === 'z' && e.shiftKey) || k === 'y') this.redo();
      else return;
      e.preventDefault();
    });
    // space held over the viewer: the next drag pans instead of painting
    viewer.box.addEventListener('keydown', (e) => { if (e.key === ' ' && this.active) { this.space = true; e.preventDefault(); } });
    window.addEventListener('keyup', (e) => { if (e.key === ' ') this.space = false; });
    window.addEventListener('blur', () => { this.space = false; });
    // right and middle drags pan: no context menu, no autoscroll
    viewer.box.addEventListener('contextmenu', (e) => { if (this.active) e.preventDefault(); });
    viewer.box.addEventListener('mousedown', (e) => { if (this.active && e.button === 1) e.preventDefault(); });
  }

  /** The brush's size in photo pixels. */
  get size() { return Number(this.el.brush.value); }

  /** A pixel of the photo nearest (x, y). */
  inside(x, y) {
    return { x: Math.min(this.viewer.width - 1, Math.max(0, Math.floor(x))), y: Math.min(this.viewer.height - 1, Math.max(0, Math.floor(y))) };
  }

  /** Whether a press may paint: the brush is on, no pan key held, a mouse's main button. */
  paints(e) { return this.active && !this.space && !(e.pointerType === 'mouse' && e.button !== 0); }

  /** Whether image point p lies on the photo (a press outside it pans). */
  onPhoto(p) { return p.x >= 0 && p.y >= 0 && p.x < this.viewer.width && p.y < this.viewer.height; }

  /** A paint gesture begun at image point p: its path, in photo pixels, grows with drag(). */
  stroke(e, p, extra = {}) {
    return { kind: 'paint', from: p, x: e.clientX, y: e.clientY, path: [this.inside(p.x, p.y)], stroke: false, ...extra };
  }

  /** The pointer moved: past TAP the press is a stroke, and its path takes a point every
   *  quarter of the brush. False while it is still a click. */
  drag(g, e, p) {
    if (!g.stroke && Math.hypot(e.clientX - g.x, e.clientY - g.y) < TAP) return false;
    g.stroke = true;
    const q = this.inside(p.x, p.y), last = g.path[g.path.length - 1];
    if (Math.hypot(q.x - last.x, q.y - last.y) >= Math.max(1, this.size / 4)) g.path.push(q);
    this.viewer.draw();
    return true;
  }

  cancel() { this.gesture = null; this.viewer.draw(); }

  // Undo and redo: one move of the current photo's list (st.list) between its two stacks, in
  // opposite directions; stepped(st) then says what else it changes, changed(st) sends it.
  undo() { this.step('undo', 'redo'); }
  redo() { this.step('redo', 'undo'); }
  step(from, to) {
    const st = this.current();
    if (!st?.[from].length) return;
    st[to].push(st.list);
    st.list = st[from].pop();
    this.stepped?.(st);
    this.changed(st);
  }
  /** The current photo's work saved as NAME-suffix (type): bytes(key) once the worker has
   *  every edit (flush); a failure said as `failed: why`. */
  async saveWork(suffix, type, bytes, failed) {
    const st = this.current();
    if (!st) return;
    try {
      await this.flush(st.item);
      this.save(await bytes(st.item.key), `${st.item.name.replace(/\.[^.]*$/, '') || 'photo'}-${suffix}`, type);
    } catch (e) {
      if (e.code !== 'cancelled') this.message(`${failed}: ${e.message}`);
    }
  }

  /** Undo and Redo enabled when they have something to do. */
  showHistory(st) {
    this.el.undo.disabled = !st?.undo.length;
    this.el.redo.disabled = !st?.redo.length;
  }

  /** A path of photo pixels ([[x, y], ...]) drawn on the viewer's canvas g (CSS px), width
   *  CSS px wide, round ends. */
  static line(g, v, path, width, colour) {
    g.beginPath();
    path.forEach(([x, y], i) => g[i ? 'lineTo' : 'moveTo'](v.x + (x + 0.5) * v.scale, v.y + (y + 0.5) * v.scale));
    if (path.length === 1) g.lineTo(v.x + (path[0][0] + 0.5) * v.scale + 0.01, v.y + (path[0][1] + 0.5) * v.scale);
    g.lineWidth = width; g.strokeStyle = colour; g.stroke();
  }
}
