/**
 * FQDN allow-list patterns, as Cilium's toFQDNs spells them: an exact name (`api.example.com`)
 * or `*.example.com`, which matches one or more labels below example.com but not example.com
 * itself. Names compare case-insensitively, with or without the root's trailing dot.
 */

/** Lower case, no trailing dot: the form names and patterns are compared in. */
export function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

export function matchesPattern(name: string, pattern: string): boolean {
  const subject = canonicalName(name);
  const wanted = canonicalName(pattern);
  if (subject === '' || wanted === '') return false;
  if (!wanted.startsWith('*.')) return subject === wanted;
  const suffix = wanted.slice(1);
  // At least one whole, non-empty label before ".example.com".
  return subject.length > suffix.length && subject.endsWith(suffix) && !subject.slice(0, -suffix.length).endsWith('.');
}

export function matchesAny(name: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => matchesPattern(name, pattern));
}
