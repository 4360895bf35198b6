/**
 * `POST /containers/{id}/exec` and `POST /exec/{id}/start` bodies -> the exec engine's typed
 * config and start options. As Docker's router, an empty Cmd is refused before any lookup;
 * `Privileged` (docker exec --privileged) is refused with a 400 naming it until it is applied.
 */
import { invalid } from '../../errors/index.js';
import type { ExecConfig, ExecStartOptions } from '../../engine/exec/exec-service.js';
import { parseDetachKeys } from '../detach-keys.js';

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

export function decodeExecCreate(body: unknown): ExecConfig {
  const record = (body ?? {}) as Record<string, unknown>;
  if (typeof record['DetachKeys'] === 'string') parseDetachKeys(record['DetachKeys']);
  const cmd = strings(record['Cmd']);
  if (cmd.length === 0) throw invalid('exec-cmd', 'No exec command specified');
  // Not applied yet, so refused rather than run with the container's own privileges.
  if (record['Privileged'] === true) throw invalid('unsupported-option', 'conet does not support Privileged (--privileged) on exec yet');
  return {
    cmd,
    env: strings(record['Env']),
    tty: record['Tty'] === true,
    attachStdin: record['AttachStdin'] === true,
    attachStdout: record['AttachStdout'] === true,
    attachStderr: record['AttachStderr'] === true,
    user: text(record['User']),
    workingDir: text(record['WorkingDir']),
    privileged: record['Privileged'] === true,
    detachKeys: text(record['DetachKeys']),
  };
}

/** The start body as text (a hijacked request hands it over unparsed); empty means attach. */
export function decodeExecStart(body: string): ExecStartOptions {
  if (body.trim() === '') return { detach: false };
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(body) as Record<string, unknown>;
  } catch (error) {
    throw invalid('request-json', `invalid JSON in request body: ${(error as Error).message}`);
  }
  return { detach: record['Detach'] === true, ...(typeof record['Tty'] === 'boolean' ? { tty: record['Tty'] } : {}) };
}
