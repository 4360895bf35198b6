/**
 * `HostConfig.CapAdd` / `CapDrop` (`--cap-add`, `--cap-drop`) decoded as moby's
 * NormalizeLegacyCapabilities does: upper-cased, "CAP_" prefixed when missing, "ALL" kept, and an
 * unknown name refused with Docker's message (a 400) before anything is created.
 */
import { invalid } from '../../errors/index.js';
import { ALL_CAPABILITIES, type CapabilityChanges } from '../../model/capabilities.js';
import { strings } from './json.js';

function normalize(list: readonly string[]): string[] {
  const normalized: string[] = [];
  for (const entry of list) {
    const upper = entry.toUpperCase();
    const name = upper === 'ALL' || upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
    if (name !== 'ALL' && !ALL_CAPABILITIES.includes(name)) throw invalid('capability', `unknown capability: ${JSON.stringify(name)}`);
    if (!normalized.includes(name)) normalized.push(name);
  }
  return normalized;
}

export function decodeCapabilities(add: unknown, drop: unknown): CapabilityChanges {
  return { add: normalize(strings(add, 'HostConfig.CapAdd')), drop: normalize(strings(drop, 'HostConfig.CapDrop')) };
}
