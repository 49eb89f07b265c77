"""contact_sheet.py - contact sheets for the evaluations (lowlight, fade): rows of images side by
side at one height, a header with the column names and each row's name written on its first
image, so a sheet can be read alone."""
import cv2
import numpy as np

GAP = 4
BG = 32
FONT = cv2.FONT_HERSHEY_SIMPLEX


def load(path, like=None):
    """The image at path (BGR), or a black tile where there is none (a method that was skipped
    or failed), so a sheet's columns stay aligned: the shape of `like` (the row's input), or a
    small square without it."""
    img = cv2.imread(path, cv2.IMREAD_COLOR) if path else None
    if img is not None:
        return img
    return np.zeros(like.shape if like is not None else (64, 64, 3), np.uint8)


def thumb(img, h):
    return cv2.resize(img, (max(1, round(img.shape[1] * h / img.shape[0])), h), interpolation=cv2.INTER_AREA)


def _text(img, text, x, y, scale=0.5):
    """White text on a dark box (readable on any photo), top-left corner at (x, y)."""
    (w, h), base = cv2.getTextSize(text, FONT, scale, 1)
    cv2.rectangle(img, (x, y), (x + w + 6, y + h + base + 4), (0, 0, 0), -1)
    cv2.putText(img, text, (x + 3, y + h + 2), FONT, scale, (255, 255, 255), 1, cv2.LINE_AA)


def _row(tiles, cell, label):
    """Tiles side by side, each padded on the right to the sheet's cell width so columns align."""
    if label:
        _text(tiles[0], label, 2, 2)
    parts = []
    for t in tiles:
        parts += [np.pad(t, ((0, 0), (0, cell - t.shape[1] + GAP), (0, 0)), constant_values=BG)]
    return np.hstack(parts)[:, :-GAP]


def _header(columns, cell, width):
    bar = np.full((24, width, 3), BG, np.uint8)
    for i, name in enumerate(columns):
        cv2.putText(bar, name, (i * (cell + GAP) + 4, 17), FONT, 0.5, (255, 255, 255), 1, cv2.LINE_AA)
    return bar


def sheet(rows, columns, path, h=200):
    """rows: [(label, [BGR images, one per column])] -> one PNG at path."""
    if not rows:
        return
    tiles = [[thumb(im, h) for im in ims] for _, ims in rows]
    cell = max(t.shape[1] for row in tiles for t in row)
    strips = [_row(t, cell, label) for t, (label, _) in zip(tiles, rows)]
    width = max(s.shape[1] for s in strips)
    body = [np.pad(s, ((0, GAP), (0, width - s.shape[1]), (0, 0)), constant_values=BG) for s in strips]
    cv2.imwrite(path, np.vstack([_header(columns, cell, width), *body]))
