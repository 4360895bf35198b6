/**
 * The command-line contract: a command is a name, a one-line summary, its usage text and a run
 * function over its own arguments. A wrong command or flag is a UsageError: the usage goes to
 * stderr and conet exits 2 (the POSIX/getopt convention; docker uses 125 for its own flag errors,
 * which we keep for nothing since conet has no `docker run` to tell apart).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Out } from './output.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface CommandContext {
  stdout: Out;
  stderr: Out;
  env: Readonly<Record<string, string | undefined>>;
  /** `--host` given before the command name, if any. */
  globalHost?: string;
  /** `--json` given before the command name. */
  globalJson: boolean;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], context: CommandContext): Promise<number>;
}

export class UsageError extends Error {
  constructor(message: string, readonly usage: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Options every client command takes: where the daemon is, JSON output, help. */
export const COMMON_OPTIONS = {
  host: { type: 'string', short: 'H' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const COMMON_USAGE = `Common options:
  -H, --host URL   daemon address: unix:///PATH or tcp://HOST:PORT
                   (default: $CONET_HOST, then $DOCKER_HOST, then unix:///run/conet/docker.sock)
      --json       print JSON instead of a table
  -h, --help       print this usage
`;

/** node:util parseArgs, its errors turned into UsageError carrying the command's usage. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, usage: string, allowPositionals = false) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), usage);
  }
}
