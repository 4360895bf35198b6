/** The client for a command: `--host` after the command wins over one before it, then the environment. */
import { ConetClient, resolveDaemonAddress } from '../client/index.js';
import type { CommandContext } from './usage.js';

export function clientFor(hostFlag: string | undefined, context: CommandContext): ConetClient {
  return new ConetClient(resolveDaemonAddress(hostFlag ?? context.globalHost, context.env));
}

export function wantsJson(jsonFlag: boolean | undefined, context: CommandContext): boolean {
  return jsonFlag === true || context.globalJson;
}

/** `-f key=value` flags as the API's filters map. */
export function parseFilters(values: readonly string[] | undefined): Record<string, string[]> {
  const filters: Record<string, string[]> = {};
  for (const value of values ?? []) {
    const at = value.indexOf('=');
    if (at <= 0) throw new Error(`bad format of filter (expected name=value): ${JSON.stringify(value)}`);
    (filters[value.slice(0, at)] ??= []).push(value.slice(at + 1));
  }
  return filters;
}
