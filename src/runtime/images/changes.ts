/**
 * `docker import --change` instructions (a Dockerfile subset, as dockerd's commit path accepts):
 * CMD, ENTRYPOINT (JSON or shell form), ENV, EXPOSE, WORKDIR, LABEL, USER, HEALTHCHECK, VOLUME. Pure: applied to a copy.
 */
import { invalid } from '../../errors/index.js';
import type { ContainerConfig } from './config.js';
import { parseHealthcheckChange } from './healthcheck-change.js';

/** JSON array form when it parses as an array of strings, otherwise the shell form. */
function commandForm(rest: string): string[] {
  const trimmed = rest.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed = JSON.parse(trimmed) as unknown;
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return parsed as string[];
    } catch {
      // not JSON: Docker falls back to the shell form too
    }
  }
  return ['/bin/sh', '-c', trimmed];
}

/** Splits `a=1 "b c"=2` or the legacy `KEY value` form into pairs, honouring double quotes. */
export function keyValuePairs(rest: string, instruction: string): Array<[string, string]> {
  const trimmed = rest.trim();
  const words = trimmed.match(/(?:[^\s"]+|"(?:\\.|[^"\\])*")+/g) ?? [];
  const unquote = (text: string): string => text.replace(/"((?:\\.|[^"\\])*)"/g, (_, inner: string) => inner.replace(/\\(.)/g, '$1'));
  if (words.length > 0 && !words[0]!.includes('=')) {
    const space = trimmed.search(/\s/);
    if (space < 0) throw invalid('bad-change', `${instruction} requires at least one argument`);
    return [[unquote(trimmed.slice(0, space)), unquote(trimmed.slice(space).trim())]];
  }
  return words.map((word) => {
    const at = word.indexOf('=');
    if (at <= 0) throw invalid('bad-change', `${instruction} names can not be blank: "${word}"`);
    return [unquote(word.slice(0, at)), unquote(word.slice(at + 1))];
  });
}

function exposedPort(spec: string): string {
  const match = /^(\d+)(?:\/(tcp|udp|sctp))?$/i.exec(spec);
  if (!match || Number(match[1]) < 1 || Number(match[1]) > 65535) throw invalid('bad-change', `invalid containerPort: ${spec}`);
  return `${Number(match[1])}/${(match[2] ?? 'tcp').toLowerCase()}`;
}

/** `VOLUME /a /b` or `VOLUME ["/a", "/b"]`: absolute paths, each an anonymous volume of the containers. */
function volumePaths(rest: string): string[] {
  const trimmed = rest.trim();
  const paths = trimmed.startsWith('[') ? commandForm(trimmed) : trimmed.split(/\s+/).filter(Boolean);
  if (paths.length === 0 || (trimmed.startsWith('[') && paths[0] === '/bin/sh')) throw invalid('bad-change', 'VOLUME requires at least one absolute path');
  for (const path of paths) {
    if (!path.startsWith('/') || path.includes('\0')) throw invalid('bad-change', `VOLUME ${JSON.stringify(path.slice(0, 256))}: the path must be absolute`);
  }
  return paths;
}

export function applyChanges(base: ContainerConfig, changes: readonly string[]): ContainerConfig {
  const config: ContainerConfig = structuredClone(base);
  for (const change of changes) {
    const match = /^\s*(\w+)\s*([\s\S]*)$/.exec(change);
    if (!match || match[1] === undefined) continue;
    const instruction = match[1].toUpperCase();
    const rest = match[2] ?? '';
    switch (instruction) {
      case 'CMD':
        config.Cmd = commandForm(rest);
        break;
      case 'ENTRYPOINT':
        config.Entrypoint = commandForm(rest);
        break;
      case 'ENV': {
        const env = [...(config.Env ?? [])];
        for (const [key, value] of keyValuePairs(rest, 'ENV')) {
          const at = env.findIndex((entry) => entry.split('=')[0] === key);
          if (at >= 0) env[at] = `${key}=${value}`;
          else env.push(`${key}=${value}`);
        }
        config.Env = env;
        break;
      }
      case 'EXPOSE':
        config.ExposedPorts = { ...config.ExposedPorts };
        for (const port of rest.trim().split(/\s+/).filter(Boolean)) config.ExposedPorts[exposedPort(port)] = {};
        break;
      case 'WORKDIR':
        config.WorkingDir = rest.trim();
        break;
      case 'LABEL':
        config.Labels = { ...config.Labels, ...Object.fromEntries(keyValuePairs(rest, 'LABEL')) };
        break;
      case 'USER':
        config.User = rest.trim();
        break;
      case 'HEALTHCHECK':
        config.Healthcheck = parseHealthcheckChange(rest);
        break;
      case 'VOLUME':
        config.Volumes = { ...config.Volumes, ...Object.fromEntries(volumePaths(rest).map((path) => [path, {}])) };
        break;
      default:
        throw invalid('bad-change', `${instruction} is not a valid change command`);
    }
  }
  return config;
}
