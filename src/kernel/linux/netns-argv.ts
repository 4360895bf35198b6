import type { NetnsTarget } from '../ports.js';

/** Prefix an argv so it runs inside the target network namespace (nothing for the own one). */
export function inNetns(argv: readonly string[], target?: NetnsTarget): string[] {
  if (!target?.netns) return [...argv];
  return ['nsenter', `--net=${target.netns}`, '--', ...argv];
}
