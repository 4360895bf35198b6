/**
 * macvlan interfaces and their parent links over iproute2. As with veths, the interface is born
 * inside the sandbox (`link add link PARENT ... netns SANDBOX`): the parent is looked up in the
 * namespace running `ip`, the name is checked in the sandbox, and nothing is moved afterwards.
 * Two `ip -batch` runs per join: one where the parent lives, one inside the sandbox.
 */
import { run } from '../../exec/index.js';
import { system } from '../../errors/index.js';
import type { MacvlanPort, MacvlanSpec, NetnsTarget, ParentLinkSpec } from '../ports.js';
import { inNetns } from './netns-argv.js';
import { isAlreadyExists, isNoSuchDevice } from './ip-errors.js';
import { ExecError } from '../../exec/index.js';
import { createLogger, type Logger } from '../../util/logger.js';
import { runUndo } from '../../util/undo.js';
import { batchLine, batchScript, quoted } from './batch-script.js';
import { interfaceCommands } from './sandboxes.js';

const TIMEOUT_MS = 15_000;

function detail(error: unknown): string {
  if (error instanceof ExecError) return error.stderr.trim() || error.message;
  return error instanceof Error ? error.message : String(error);
}

/** The kernel lacks the link type (module absent): iproute2 says so in one of two ways. */
export function isUnsupportedLinkType(error: unknown): boolean {
  return error instanceof ExecError && /Unknown device type|Operation not supported|not supported/i.test(error.stderr);
}

export class LinuxMacvlan implements MacvlanPort {
  /** Rollback steps that fail are logged here. */
  constructor(private readonly logger: Logger = createLogger('warn')) {}

  async plugMacvlan(spec: MacvlanSpec, target?: NetnsTarget): Promise<void> {
    try {
      await run(inNetns(['ip', '-batch', '-'], target), { input: macvlanHostCommands(spec), timeoutMs: TIMEOUT_MS });
    } catch (error) {
      if (isNoSuchDevice(error)) {
        throw system('macvlan-parent-missing', `failed to create the macvlan port: parent interface ${spec.parent} was not found on the host`, error);
      }
      throw system('macvlan-port', `failed to create the macvlan port on ${spec.parent} for ${spec.sandbox}: ${detail(error)}`, error);
    }
    try {
      await run(['ip', '-n', spec.sandbox, '-batch', '-'], { input: macvlanSandboxCommands(spec), timeoutMs: TIMEOUT_MS });
    } catch (error) {
      await runUndo([{ name: `delete ${spec.ifname} in ${spec.sandbox}`, run: () => this.unplugMacvlan(spec.sandbox, spec.ifname) }], this.logger, { sandbox: spec.sandbox });
      throw system('macvlan-port', `configure ${spec.ifname} in ${spec.sandbox}: ${detail(error)}`, error);
    }
  }

  async unplugMacvlan(sandbox: string, ifname: string): Promise<void> {
    const result = await run(['ip', '-n', sandbox, 'link', 'del', 'dev', ifname], { allowFailure: true, timeoutMs: TIMEOUT_MS });
    if (result.code === 0) return;
    if (/Cannot find device|does not exist|No such device|Cannot open network namespace|No such file/i.test(result.stderr)) return;
    throw system('macvlan-port', `delete ${ifname} in ${sandbox}: ${result.stderr.trim()}`);
  }

  async createParentLink(spec: ParentLinkSpec, target?: NetnsTarget): Promise<void> {
    const what = spec.kind === 'vlan' ? 'vlan' : 'dummy';
    try {
      await run(inNetns(['ip', '-batch', '-'], target), { input: parentLinkCommands(spec), timeoutMs: TIMEOUT_MS });
    } catch (error) {
      // ip -batch stops at the first failure: when the add itself failed there is nothing to
      // remove (and "File exists" means the device is someone else's).
      if (!isUnsupportedLinkType(error) && !isAlreadyExists(error)) {
        await run(inNetns(['ip', 'link', 'del', 'dev', spec.name], target), { allowFailure: true, timeoutMs: TIMEOUT_MS });
      }
      const reason = isUnsupportedLinkType(error) ? `operation not supported (this kernel has no ${what === 'vlan' ? '802.1q vlan' : 'dummy'} links)` : detail(error);
      throw system(`macvlan-${what}-link`, `failed to create ${spec.name} ${what} link: ${reason}`, error);
    }
  }
}

/** Where the parent lives: the namespace when asked, then the macvlan born inside it. */
export function macvlanHostCommands(spec: MacvlanSpec): string {
  const create = spec.createSandbox ? [batchLine`netns add ${spec.sandbox}`] : [];
  const add = spec.mtu === undefined
    ? batchLine`link add link ${spec.parent} name ${spec.ifname} netns ${spec.sandbox} address ${spec.mac} type macvlan mode ${spec.mode}`
    : batchLine`link add link ${spec.parent} name ${spec.ifname} netns ${spec.sandbox} address ${spec.mac} mtu ${spec.mtu} type macvlan mode ${spec.mode}`;
  return batchScript([...create, add]);
}

/** Inside the sandbox: addresses, up, default routes via the gateways (as for a veth). */
export const macvlanSandboxCommands = (spec: MacvlanSpec): string => interfaceCommands(spec);

/** A parent link, marked with the owner's alias (quoted for ip's batch tokenizer) and up. */
export function parentLinkCommands(spec: ParentLinkSpec): string {
  const add = spec.kind === 'vlan' ? batchLine`link add link ${spec.link} name ${spec.name} type vlan id ${spec.vlanId}` : batchLine`link add name ${spec.name} type dummy`;
  return batchScript([add, batchLine`link set dev ${spec.name} alias ${quoted(spec.alias)}`, batchLine`link set dev ${spec.name} up`]);
}
