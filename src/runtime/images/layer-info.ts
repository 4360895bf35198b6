/** The json kept beside each stored layer (layer-store.ts), decoded before use. */

export interface LayerBlob {
  /** `sha256:<hex>` of the blob's bytes. */
  digest: string;
  mediaType: string;
  size: number;
}

export interface LayerInfo {
  /** `sha256:<hex>` of the uncompressed layer tar. */
  diffId: string;
  /** Apparent bytes of the unpacked tree (what Docker counts as the layer's size). */
  size: number;
  /** The exact blob the layer was unpacked from, when the store keeps it. */
  blob?: LayerBlob;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const count = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function decodeBlob(value: unknown): LayerBlob | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const blob = value as Record<string, unknown>;
  if (typeof blob['digest'] !== 'string' || !DIGEST.test(blob['digest'])) return undefined;
  if (typeof blob['mediaType'] !== 'string' || !count(blob['size'])) return undefined;
  return { digest: blob['digest'], mediaType: blob['mediaType'], size: blob['size'] };
}

/** The info, or undefined for text that is not a layer's json (a torn or foreign file). */
export function decodeLayerInfo(text: string): LayerInfo | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: not a layer record
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const record = parsed as Record<string, unknown>;
  if (typeof record['diffId'] !== 'string' || !DIGEST.test(record['diffId']) || !count(record['size'])) return undefined;
  const blob = decodeBlob(record['blob']);
  return { diffId: record['diffId'], size: record['size'], ...(blob ? { blob } : {}) };
}
