/**
 * Driving bin/conet-cni as a CNI runtime does: CNI_* variables in the environment, the network
 * configuration on stdin, the result (or the error JSON) on stdout and the exit code.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/exec/index.js';

const REPO = resolve(fileURLToPath(import.meta.url), '../../../..');

export const CNI_PLUGIN = join(REPO, 'bin', 'conet-cni');

export interface CniCall {
  command: string;
  containerId?: string;
  netns?: string;
  ifname?: string;
  /** More variables, or overrides (CONET_HOST). */
  env?: Record<string, string>;
}

export interface CniAnswer {
  code: number;
  stdout: string;
  /** stdout parsed, when it is JSON. */
  json: Record<string, unknown> | undefined;
}

export async function cni(call: CniCall, config: unknown, socket: string): Promise<CniAnswer> {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', CONET_HOST: `unix://${socket}`, CNI_COMMAND: call.command, CNI_PATH: '/usr/lib/cni' };
  if (call.containerId !== undefined) env['CNI_CONTAINERID'] = call.containerId;
  if (call.netns !== undefined) env['CNI_NETNS'] = call.netns;
  if (call.ifname !== undefined) env['CNI_IFNAME'] = call.ifname;
  Object.assign(env, call.env ?? {});
  const input = typeof config === 'string' ? config : JSON.stringify(config);
  const result = await run([CNI_PLUGIN], { env, input, allowFailure: true, timeoutMs: 60_000 });
  let json: Record<string, unknown> | undefined;
  try {
    json = result.stdout.trim() === '' ? undefined : (JSON.parse(result.stdout) as Record<string, unknown>);
  } catch {
    json = undefined;
  }
  return { code: result.code, stdout: result.stdout, json };
}

/** A conet-cni plugin configuration (cniVersion 1.0.0 unless given). */
export function conetConfig(name: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { cniVersion: '1.0.0', name, type: 'conet-cni', ...fields };
}
