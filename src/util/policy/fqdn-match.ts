/**
 * Whether a DNS name matches a toFQDNs entry: an exact name, or "*.domain" matching one or more
 * labels below the domain (not the domain itself), as Cilium's matchPattern. Names compare
 * lower-case without the final dot. Pure, linear; the resolver and `conet policy explain` share it.
 */
export function fqdnMatches(pattern: string, name: string): boolean {
  const normal = name.toLowerCase().replace(/\.$/, '');
  if (!pattern.startsWith('*.')) return normal === pattern;
  const suffix = pattern.slice(1);
  return normal.length > suffix.length && normal.endsWith(suffix);
}
