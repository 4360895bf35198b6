/**
 * One CNI invocation, as a runtime makes it: the CNI_* environment and the configuration text in,
 * what the plugin prints and its exit code out. The same function answers the daemon's
 * /conet/v1/cni route (the forwarder's request) and the standalone plugin.
 */
import type { AttachmentKey, Attachment, AttachRequest } from '../engine/attachments/attachment.js';
import { CNI_CODES, CniError, cniError, errorJson, toCniError } from './cni-error.js';
import { decodeConfig, parseConfigText, type CniConfig } from './decode-config.js';
import { decodeCommand, decodeEnv, type CniInvocation } from './decode-env.js';
import { chainResult, renderResult } from './result.js';
import { isSupported, LATEST, versionResult } from './versions.js';

export interface CniBackend {
  add(request: AttachRequest): Promise<Attachment>;
  remove(key: AttachmentKey): Promise<void>;
  /** Throws naming what is missing. */
  check(key: AttachmentKey): Promise<void>;
  /** Throws CniError 50/51 when the plugin can't serve ADD now. */
  status(config: CniConfig): Promise<void>;
  /** Removes every attachment of the network not in the list. */
  gc(network: string, valid: ReadonlyArray<{ containerId: string; ifname: string }>): Promise<string[]>;
  netnsPath(name: string): string;
}

export interface CniOutcome {
  stdout: string;
  exitCode: number;
}

type Env = Record<string, string | undefined>;

function versionOf(text: string): string {
  const match = /"cniVersion"\s*:\s*"([0-9.]{1,16})"/.exec(text.slice(0, 4096));
  return match?.[1] !== undefined && isSupported(match[1]) ? match[1] : LATEST;
}

function attachRequest(invocation: CniInvocation, config: CniConfig): AttachRequest {
  const { runtime } = config;
  return {
    containerId: invocation.containerId, ifname: invocation.ifname, network: config.name, netns: invocation.netns, spec: config.spec, ports: runtime.ports,
    ...(runtime.ipv4Address ? { ipv4Address: runtime.ipv4Address } : {}),
    ...(runtime.ipv6Address ? { ipv6Address: runtime.ipv6Address } : {}),
    ...(runtime.macAddress ? { macAddress: runtime.macAddress } : {}),
  };
}

async function dispatch(invocation: CniInvocation, config: CniConfig, backend: CniBackend): Promise<string> {
  const key = { containerId: invocation.containerId, ifname: invocation.ifname, network: config.name };
  switch (invocation.command) {
    case 'ADD': {
      const attachment = await backend.add(attachRequest(invocation, config));
      return renderResult(chainResult(config.prevResult, attachment, backend.netnsPath(attachment.netns)), config.cniVersion);
    }
    case 'DEL':
      await backend.remove(key);
      return '';
    case 'CHECK':
      await backend.check(key);
      return '';
    case 'STATUS':
      await backend.status(config);
      return '';
    case 'GC':
      await backend.gc(config.name, config.validAttachments);
      return '';
    default:
      throw cniError(CNI_CODES.invalidEnvironment, `unexpected CNI_COMMAND ${invocation.command}`);
  }
}

export async function runCni(env: Env, stdin: string, backend: CniBackend): Promise<CniOutcome> {
  const version = versionOf(stdin);
  let stage: 'config' | 'run' = 'config';
  try {
    if (decodeCommand(env) === 'VERSION') return { stdout: versionResult(version), exitCode: 0 };
    const config = decodeConfig(parseConfigText(stdin));
    const invocation = decodeEnv(env);
    stage = 'run';
    return { stdout: await dispatch(invocation, config, backend), exitCode: 0 };
  } catch (error) {
    const failure: CniError = toCniError(error, stage);
    return { stdout: errorJson(failure, version), exitCode: 1 };
  }
}
