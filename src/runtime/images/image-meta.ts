/** `<image>/meta.json`: the tag time and, for images whose stack is not their diff_ids, the stack. */

export interface ImageMeta {
  lastTagTime: string;
  /** Layer keys bottom first, when they differ from the config's diff_ids (migrated or empty images). */
  layers?: string[];
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Torn or missing text gives an empty meta (tag time unknown, stack from the config). */
export function decodeImageMeta(text: string): ImageMeta {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // no meta file (older images) or a torn one: nothing known
    return { lastTagTime: '' };
  }
  const record = (parsed !== null && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
  const lastTagTime = typeof record['lastTagTime'] === 'string' ? record['lastTagTime'] : '';
  const layers = record['layers'];
  if (Array.isArray(layers) && layers.length > 0 && layers.every((layer) => typeof layer === 'string' && DIGEST.test(layer))) {
    return { lastTagTime, layers: layers as string[] };
  }
  return { lastTagTime };
}

/** The config's diff_ids when they are all digests, else undefined (a config conet can't stack). */
export function diffIdsOf(config: { rootfs?: { diff_ids?: unknown } }): string[] | undefined {
  const ids = config.rootfs?.diff_ids;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string' && DIGEST.test(id))) return undefined;
  return ids as string[];
}

/**
 * The stack as overlay lower directories, bottom first, with only the topmost of repeated layers:
 * overlayfs refuses one directory twice (ELOOP), and the upper copy of a layer overrides every path
 * the lower copy sets, whiteouts and opaque directories included, so dropping the lower is exact.
 */
export function stackOf(layers: readonly string[]): string[] {
  return layers.filter((layer, index) => !layers.includes(layer, index + 1));
}
