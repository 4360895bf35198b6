/**
 * The process of a `docker exec -u USER` as a whole OCI process (runc exec --process): the
 * container's own process from its bundle's config.json (capabilities, rlimits, AppArmor,
 * no-new-privileges stay the container's) with the exec's arguments, environment (the container's
 * then the exec's, as runc's --env adds them), working directory, terminal and USER's identity:
 * uid, gid and supplementary groups replacing the container's, as Docker's exec does. runc's own
 * --user keeps the container's supplementary groups and --additional-gids only adds to them.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { system } from '../../errors/index.js';
import type { ProcessUser } from './exec-user.js';

export interface ExecProcessRequest {
  args: string[];
  env: string[];
  /** '' keeps the container's. */
  cwd: string;
  tty: boolean;
  user: ProcessUser;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The exec's process over the container's `process` object (from a config.json conet wrote). Pure. */
export function execProcess(base: Record<string, unknown>, request: ExecProcessRequest): Record<string, unknown> {
  const env = Array.isArray(base['env']) ? base['env'].filter((entry): entry is string => typeof entry === 'string') : [];
  const user: Record<string, unknown> = { uid: request.user.uid, gid: request.user.gid };
  if (request.user.additionalGids.length > 0) user['additionalGids'] = request.user.additionalGids;
  const { consoleSize: _size, ...rest } = base;
  return {
    ...rest,
    terminal: request.tty,
    args: request.args,
    env: [...env, ...request.env],
    cwd: request.cwd || (typeof base['cwd'] === 'string' ? base['cwd'] : '/'),
    user,
  };
}

/** Writes the exec's process.json at `file` from the container's bundle config at `bundleConfig`. */
export async function writeExecProcess(bundleConfig: string, file: string, request: ExecProcessRequest): Promise<void> {
  const config: unknown = JSON.parse(await readFile(bundleConfig, 'utf8'));
  const base = isRecord(config) ? config['process'] : undefined;
  if (!isRecord(base)) throw system('exec-process', `${bundleConfig} has no process`);
  await writeFile(file, JSON.stringify(execProcess(base, request)), { mode: 0o600 });
}
