/**
 * Docker's cpuset lists ("0-2,4,7-8"; parsers.ParseUintList): comma-separated numbers and
 * inclusive ranges, no blanks, no empty items. Kept as ranges (a huge range costs nothing), with
 * a containment test for "requested CPUs are available". Pure.
 */

export type UintRange = readonly [number, number];

/** Numbers above this are no CPU or memory node (the kernel's NR_CPUS tops out at 8192). */
const MAX = 1 << 16;

/** The ranges of `text`; throws an Error saying what is wrong (Docker: "invalid format"). */
export function parseUintList(text: string): UintRange[] {
  if (text === '') throw new Error('empty string');
  const ranges: UintRange[] = [];
  for (const item of text.split(',')) {
    const match = /^(\d{1,6})(?:-(\d{1,6}))?$/.exec(item);
    if (!match) throw new Error(`invalid format: ${text}`);
    const low = Number(match[1]);
    const high = match[2] === undefined ? low : Number(match[2]);
    if (high < low || high > MAX) throw new Error(`invalid range format: ${item}`);
    ranges.push([low, high]);
  }
  return ranges;
}

const covered = (value: number, ranges: readonly UintRange[]): UintRange | undefined => ranges.find(([low, high]) => value >= low && value <= high);

/** Whether every number of `wanted` is in `available`. */
export function uintListWithin(wanted: readonly UintRange[], available: readonly UintRange[]): boolean {
  return wanted.every(([low, high]) => {
    // Walk `available`'s ranges across [low, high]: each step jumps past a whole covering range.
    for (let at = low; at <= high;) {
      const range = covered(at, available);
      if (!range) return false;
      at = range[1] + 1;
    }
    return true;
  });
}
