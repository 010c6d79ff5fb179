// The paths and geometry of C2SP tlog-tiles (c2sp.org/tlog-tiles,
// docs/FORMAT.md section 12.6), shared by the log that serves the tiles and
// the witness that reads them. A tile at level L, index N holds up to 256
// hashes of the tree's level 8L: MTH of the leaf ranges
// [(256N + i) * 256^L, (256N + i + 1) * 256^L). A partial tile, of width W
// below 256, is served at its own path ".p/W".
import { VerificationError } from './errors.js';
import type { NodeRange } from './merkle-range.js';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
/** Tile levels are 0..63 (the spec). */
const MAX_LEVEL = 63;

export interface TileCoord {
  /** A level of tiles; -1 for an entry bundle. */
  level: number;
  index: number;
  /** 1..256: 256 for a full tile. */
  width: number;
}

/** N as the spec writes it: 3-digit groups, all but the last prefixed "x" (1234067 is x001/x234/067). */
export function tileIndexPath(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError(`not a tile index: ${n}`);
  let s = String(n % 1000).padStart(3, '0');
  for (let rest = Math.floor(n / 1000); rest > 0; rest = Math.floor(rest / 1000)) s = `x${String(rest % 1000).padStart(3, '0')}/${s}`;
  return s;
}

/** "tile/<L>/<N>[.p/<W>]", or for level -1 "tile/entries/<N>[.p/<W>]". */
export function tilePath(t: TileCoord): string {
  const base = t.level < 0 ? `tile/entries/${tileIndexPath(t.index)}` : `tile/${t.level}/${tileIndexPath(t.index)}`;
  return t.width === TILE_WIDTH ? base : `${base}.p/${t.width}`;
}

/** Reads a path tilePath writes, or says why it is not one (the caller answers 404 or 400). */
export function parseTilePath(path: string): TileCoord | string {
  const m = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(path);
  if (!m) return `${path} is not tile/<level>/<index>[.p/<width>] or tile/entries/<index>[.p/<width>]`;
  const level = m[1] === 'entries' ? -1 : Number(m[1]);
  if (level > MAX_LEVEL) return `level ${level} is above ${MAX_LEVEL}`;
  const groups = m[2]!.split('/').map((g) => g.replace(/^x/, ''));
  if (groups.length > 1 && groups[0] === '000') return `${m[2]} has a leading zero group`;
  if (groups.length > 6) return `${m[2]} is beyond 2^53`;
  const index = groups.reduce((n, g) => n * 1000 + Number(g), 0);
  if (m[3] !== undefined && Number(m[3]) >= TILE_WIDTH) return `a partial width is 1 to 255, not ${m[3]}`;
  const width = m[3] === undefined ? TILE_WIDTH : Number(m[3]);
  return { level, index, width };
}

/** 256^level, exactly (a safe integer while it matters: levels above 6 hold nothing below 2^53). */
const span = (level: number) => 256 ** level;

/** The tile (or, with level -1, bundle) at `index` as a tree of `size` leaves has it, or undefined if it holds nothing yet. */
export function tileAt(level: number, index: number, size: number): TileCoord | undefined {
  const rowSize = Math.floor(size / span(Math.max(level, 0))); // hashes in the row of tree level 8L
  const first = index * TILE_WIDTH;
  if (rowSize <= first) return undefined;
  return { level, index, width: Math.min(TILE_WIDTH, rowSize - first) };
}

/** The tiles (full or partial) that hold the perfect subtree `r` of a tree of `size` leaves, and where in them. */
export function tileOfNode(r: NodeRange, size: number): { tile: TileCoord; offset: number; count: number } {
  const width = r.end - r.start;
  let k = 0;
  while (2 ** k < width) k++;
  if (2 ** k !== width || r.start % width !== 0 || r.end > size) {
    throw new VerificationError('INDEX_OUT_OF_RANGE', `[${r.start}, ${r.end}) is not a perfect subtree of a tree of ${size}`);
  }
  const level = Math.floor(k / TILE_HEIGHT);
  const below = 2 ** (k % TILE_HEIGHT); // hashes of row 8L that make this node
  const position = r.start / span(level); // its first hash's position in row 8L
  const tile = tileAt(level, Math.floor(position / TILE_WIDTH), size)!;
  return { tile, offset: position % TILE_WIDTH, count: below };
}

/** A tile's hashes as the log serves them: `width` hashes of 32 bytes, concatenated. */
export type TileReader = (t: TileCoord) => Uint8Array;

/**
 * MTH(D[r.start:r.end]) of a tree of `size` leaves, from its tiles (the
 * spec's "clients can compute any desired proof"): a perfect subtree is
 * hashed up from the tile row that holds it; any other range is split as
 * RFC 6962 splits it. A tile of the wrong length is INDEX_OUT_OF_RANGE.
 * Nothing here is trusted by itself: the caller checks what it computes
 * against a signed root (a consistency or inclusion proof).
 */
export function rangeHashFromTiles(r: NodeRange, size: number, read: TileReader, hasher: { hashChildren(l: Uint8Array, r: Uint8Array): Uint8Array }): Uint8Array {
  const width = r.end - r.start;
  let k = 0;
  while (2 ** k < width) k++;
  if (2 ** k !== width || r.start % width !== 0) {
    const split = 2 ** (k - 1);
    return hasher.hashChildren(rangeHashFromTiles({ start: r.start, end: r.start + split }, size, read, hasher), rangeHashFromTiles({ start: r.start + split, end: r.end }, size, read, hasher));
  }
  const { tile, offset, count } = tileOfNode(r, size);
  const bytes = read(tile);
  if (bytes.length !== 32 * tile.width) throw new VerificationError('INDEX_OUT_OF_RANGE', `${tilePath(tile)} is ${bytes.length} bytes, not ${32 * tile.width}`);
  let row = Array.from({ length: count }, (_, i) => bytes.subarray(32 * (offset + i), 32 * (offset + i + 1)));
  while (row.length > 1) row = Array.from({ length: row.length / 2 }, (_, i) => hasher.hashChildren(row[2 * i]!, row[2 * i + 1]!));
  return row[0]!;
}
