/** How big a graph's node boxes are and how they sit: boxes of `width` × `height`, `perRow` to a row. */
export interface ChainBox {
  readonly width: number;
  readonly height: number;
  readonly gap: number;
  readonly perRow: number;
  readonly pad: number;
}

export interface ChainLayout {
  /** Each node's top-left corner, by id. */
  readonly at: ReadonlyMap<string, { readonly x: number; readonly y: number }>;
  readonly width: number;
  readonly height: number;
  /** The SVG path of the arrow from one node to the next: side to side in a row, bottom to top across rows. */
  readonly edgePath: (from: string, to: string) => string | null;
}

/** Lays a chain of nodes out in rows, in the order given. */
export function chainLayout(ids: readonly string[], box: ChainBox): ChainLayout {
  const { width: w, height: h, gap, perRow, pad } = box;
  const at = new Map(ids.map((id, k) => [id, { x: pad + (k % perRow) * (w + gap), y: pad + Math.floor(k / perRow) * (h + gap) }]));
  return {
    at,
    width: pad * 2 + Math.min(ids.length, perRow) * (w + gap) - gap,
    height: pad * 2 + Math.ceil(ids.length / perRow) * (h + gap) - gap,
    edgePath: (from, to) => {
      const a = at.get(from);
      const b = at.get(to);
      if (!a || !b) return null;
      const sameRow = a.y === b.y;
      const [x1, y1] = sameRow ? [a.x + w, a.y + h / 2] : [a.x + w / 2, a.y + h];
      const [x2, y2] = sameRow ? [b.x, b.y + h / 2] : [b.x + w / 2, b.y];
      return `M ${x1} ${y1} L ${x2} ${y2}`;
    },
  };
}
