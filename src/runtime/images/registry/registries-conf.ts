/**
 * The registries.conf (containers-registries.conf(5), version 2) each skopeo run gets through
 * `--registries-conf`, generated from the daemon's options so the machine's
 * /etc/containers/registries.conf plays no part: no short-name search, each insecure registry
 * marked `insecure`, and docker.io's `registry-mirrors` as its mirrors (tried in order, then
 * docker.io itself, as Docker does). Every value was checked by daemon/config.ts and is written as
 * a TOML basic string through JSON.stringify, so no value can open a new key.
 */
import { isInsecure } from './insecure.js';
import { parseMirror, type RegistryOptions } from './options.js';

const quote = (value: string): string => JSON.stringify(value);

/** `domain` is the registry of the reference being pulled (it gets its own entry when insecure). */
export function registriesConf(options: RegistryOptions, domain: string): string {
  const lines = ['unqualified-search-registries = []', ''];
  if (domain !== 'docker.io' && isInsecure(domain, options.insecure)) {
    lines.push('[[registry]]', `location = ${quote(domain)}`, 'insecure = true', '');
  }
  const mirrors = options.mirrors.map(parseMirror).filter((mirror) => mirror !== undefined);
  if (mirrors.length > 0) {
    lines.push('[[registry]]', 'prefix = "docker.io"', 'location = "docker.io"', '');
    for (const mirror of mirrors) {
      const insecure = mirror.plainHttp || isInsecure(mirror.location, options.insecure);
      lines.push('[[registry.mirror]]', `location = ${quote(mirror.location)}`, `insecure = ${insecure}`, '');
    }
  }
  return lines.join('\n');
}
