/**
 * nft's concatenated interval sets refuse overlapping elements ("File exists"), and policies
 * overlap all the time (two rules allowing 10.0.0.0/8 and 10.0.0.0/8:443). Allow elements are
 * boxes (peer addresses × protocols × ports) per selected address; each new box is cut by the ones
 * already kept (box difference: at most two pieces per dimension), so the kept boxes are disjoint
 * and cover the same flows.
 */
export interface Box {
  /** Inclusive ranges: peer address (as integers), IP protocol, port. */
  dims: [[bigint, bigint], [bigint, bigint], [bigint, bigint]];
}

function intersects(a: Box, b: Box): boolean {
  return a.dims.every(([lo, hi], i) => {
    const [blo, bhi] = b.dims[i] as [bigint, bigint];
    return lo <= bhi && blo <= hi;
  });
}

/** `a` minus `b`, as disjoint boxes. */
export function subtract(a: Box, b: Box): Box[] {
  if (!intersects(a, b)) return [a];
  const pieces: Box[] = [];
  const rest: Box = { dims: [[...a.dims[0]], [...a.dims[1]], [...a.dims[2]]] };
  for (let i = 0; i < 3; i++) {
    const [lo, hi] = rest.dims[i] as [bigint, bigint];
    const [blo, bhi] = b.dims[i] as [bigint, bigint];
    if (lo < blo) pieces.push(withDim(rest, i, [lo, blo - 1n]));
    if (hi > bhi) pieces.push(withDim(rest, i, [bhi + 1n, hi]));
    rest.dims[i] = [lo > blo ? lo : blo, hi < bhi ? hi : bhi];
  }
  return pieces;
}

function withDim(box: Box, index: number, range: [bigint, bigint]): Box {
  const dims = box.dims.map((d) => [...d]) as Box['dims'];
  dims[index] = range;
  return { dims };
}

/** Disjoint boxes covering the union of `boxes`. */
export function disjoint(boxes: readonly Box[]): Box[] {
  let kept: Box[] = [];
  for (const box of boxes) {
    let pieces = [box];
    for (const old of kept) pieces = pieces.flatMap((piece) => subtract(piece, old));
    kept = kept.concat(pieces);
  }
  return kept;
}
