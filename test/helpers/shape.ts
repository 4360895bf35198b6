/**
 * The "shape" of a JSON value: the same keys and value types, recursively. Used to compare our
 * responses with the real Docker recordings without comparing ids, timestamps or addresses.
 */
export type Shape = string | { [key: string]: Shape } | Shape[];

export function shapeOf(value: unknown): Shape {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (typeof value === 'object') {
    const shape: Record<string, Shape> = {};
    for (const key of Object.keys(value as object).sort()) shape[key] = shapeOf((value as Record<string, unknown>)[key]);
    return shape;
  }
  return typeof value;
}
