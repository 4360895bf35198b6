/** Byte-level helpers for etcd keys: prefixes, range ends, JSON values. */

/** The smallest key greater than every key starting with `prefix` (etcd's range_end for a prefix). */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let index = end.length - 1; index >= 0; index -= 1) {
    if (end[index]! < 0xff) {
      end[index] = end[index]! + 1;
      return end.subarray(0, index + 1);
    }
  }
  // Every byte is 0xff (or the prefix is empty): the range runs to the end of the keyspace.
  return Buffer.from([0]);
}

/** JSON text of a value; throws a TypeError for values JSON can't hold (undefined, functions). */
export function toJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('cluster store values must be JSON values');
  return text;
}

/** A stored value: JSON, or the raw text when someone stored something else. */
export function fromJson(bytes: Buffer | string): unknown {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // not JSON: the raw text, as documented above
    return text;
  }
}
