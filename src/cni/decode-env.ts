/**
 * The CNI_* environment, decoded once into a typed invocation. Every value is checked against the
 * spec's grammar: a bad or missing variable is error 4 and nothing runs.
 */
import { CNI_CODES, cniError } from './cni-error.js';

export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'STATUS' | 'GC' | 'VERSION';
const COMMANDS: readonly CniCommand[] = ['ADD', 'DEL', 'CHECK', 'STATUS', 'GC', 'VERSION'];

export interface CniInvocation {
  command: CniCommand;
  /** ADD, DEL, CHECK only. */
  containerId: string;
  ifname: string;
  /** Name of the namespace under /run/netns; '' when not given (DEL may omit it). */
  netns: string;
}

const CONTAINER_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const NETNS_DIR = '/run/netns/';
const NETNS_NAME = /^[a-zA-Z0-9_.-]{1,64}$/;

function invalidEnv(message: string): Error {
  return cniError(CNI_CODES.invalidEnvironment, message);
}

export function decodeCommand(env: Record<string, string | undefined>): CniCommand {
  const command = env['CNI_COMMAND'];
  if (command === undefined || command === '') throw invalidEnv('CNI_COMMAND is required');
  if (!(COMMANDS as readonly string[]).includes(command)) throw invalidEnv(`unknown CNI_COMMAND ${JSON.stringify(command.slice(0, 32))}`);
  return command as CniCommand;
}

/** CNI_IFNAME as the kernel takes it: 1-15 bytes, no '/', ':' or whitespace, not '.' or '..'. */
export function decodeIfname(value: string | undefined): string {
  if (value === undefined || value === '') throw invalidEnv('CNI_IFNAME is required');
  if (Buffer.byteLength(value) > 15 || /[/:\s]/.test(value) || value === '.' || value === '..') {
    throw invalidEnv(`invalid CNI_IFNAME ${JSON.stringify(value.slice(0, 32))}`);
  }
  return value;
}

function decodeContainerId(value: string | undefined): string {
  if (value === undefined || value === '') throw invalidEnv('CNI_CONTAINERID is required');
  if (value.length > 256 || !CONTAINER_ID.test(value)) throw invalidEnv(`invalid CNI_CONTAINERID ${JSON.stringify(value.slice(0, 32))}`);
  return value;
}

/** conet plugs namespaces by name under /run/netns, where runtimes (podman, ip netns) put them. */
function decodeNetns(value: string | undefined, required: boolean): string {
  if (value === undefined || value === '') {
    if (required) throw invalidEnv('CNI_NETNS is required');
    return '';
  }
  const name = value.startsWith(NETNS_DIR) ? value.slice(NETNS_DIR.length) : '';
  if (!NETNS_NAME.test(name) || name === '.' || name === '..') {
    throw invalidEnv(`CNI_NETNS ${JSON.stringify(value.slice(0, 80))} is not a namespace under ${NETNS_DIR}`);
  }
  return name;
}

export function decodeEnv(env: Record<string, string | undefined>): CniInvocation {
  const command = decodeCommand(env);
  if (command === 'VERSION' || command === 'STATUS' || command === 'GC') return { command, containerId: '', ifname: '', netns: '' };
  return {
    command,
    containerId: decodeContainerId(env['CNI_CONTAINERID']),
    ifname: decodeIfname(env['CNI_IFNAME']),
    netns: decodeNetns(env['CNI_NETNS'], command !== 'DEL'),
  };
}
