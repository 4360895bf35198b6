/**
 * Failpoints (FreeBSD's fail(9), TiKV's fail-rs): named points between the steps of multi-step use
 * cases where a test can make the daemon fail. Off unless the daemon is started with
 * `CONET_FAILPOINTS=NAME=MODE,...` (daemon/ reads it once, configureFailpoints() keeps it):
 *   error  the step throws a typed 500 (EngineError 'system', code 'failpoint'): the rollbacks
 *          must leave the kernel and the store as they were before the request;
 *   crash  the daemon SIGKILLs itself there (no clean-up, no finally): start-up recovery must
 *          leave no trace and a consistent state.
 * Off, a failpoint costs one property read of an undefined map. The names are all listed here, in
 * FAILPOINTS, so docs, the unit sweep and the crash test iterate the same list; an unknown name in
 * the variable stops the daemon at start (a typo must not make a test pass vacuously).
 */
import { invalid, system } from '../errors/index.js';

/** Every failpoint, in the order the steps run; the comment says what exists at that point. */
export const FAILPOINTS = [
  'network.create.after-bridge', // bridge device made, firewall share not yet
  'network.create.after-firewall', // bridge and firewall share made, store row not yet
  'network.create.after-store', // store row written, network not yet in the index
  'network.rm.after-firewall', // firewall share removed, bridge still there, row still there
  'network.rm.after-kernel', // bridge and firewall share gone, row still there
  'container.create.after-dir', // container directory made, store row not yet
  'container.create.after-store', // store row written, name reservation not yet handed over
  'endpoint.connect.after-veth', // veth plugged (and sandbox made), endpoint row not yet
  'endpoint.connect.after-store', // endpoint row written, not yet in the index
  'container.start.after-network', // sandbox and endpoints made, ports not yet published
  'ports.publish.after-reserve', // host ports reserved in the allocator, no nft elements yet
  'ports.publish.after-nft', // nft map elements added, the publisher has not recorded them
  'container.start.after-ports', // ports published, /etc files and runtime not yet
  'container.start.after-runtime', // the process runs under its monitor, state not yet saved
  'container.start.after-store', // state "running" saved, exit not yet watched
  'container.connect.after-endpoint', // live connect: endpoint plugged and stored, container record not yet
  'endpoint.disconnect.after-unplug', // veth gone, endpoint row still there
  'container.disconnect.after-endpoint', // endpoint gone, container record not yet updated
  'container.rm.after-store', // store row gone, directory (and runtime state) still there
] as const;

export type FailpointName = (typeof FAILPOINTS)[number];
export type FailpointMode = 'error' | 'crash';

let active: Map<FailpointName, FailpointMode> | undefined;

/** Parses `NAME=MODE,NAME=MODE`; empty or undefined turns every failpoint off. */
export function parseFailpoints(spec: string | undefined): Map<FailpointName, FailpointMode> {
  const parsed = new Map<FailpointName, FailpointMode>();
  for (const entry of (spec ?? '').split(',').map((item) => item.trim()).filter(Boolean)) {
    const [name = '', mode = ''] = entry.split('=');
    if (!(FAILPOINTS as readonly string[]).includes(name)) throw invalid('failpoint-unknown', `unknown failpoint ${JSON.stringify(name)} in CONET_FAILPOINTS`);
    if (mode !== 'error' && mode !== 'crash') throw invalid('failpoint-mode', `failpoint ${name}: mode must be error or crash, not ${JSON.stringify(mode)}`);
    parsed.set(name as FailpointName, mode);
  }
  return parsed;
}

/** Sets the active failpoints (the daemon from CONET_FAILPOINTS; unit tests directly). */
export function configureFailpoints(points: ReadonlyMap<FailpointName, FailpointMode> | undefined): void {
  active = points && points.size > 0 ? new Map(points) : undefined;
}

/** The step boundary `name`: nothing unless the failpoint is on. */
export function failpoint(name: FailpointName): void {
  if (active === undefined) return;
  const mode = active.get(name);
  if (mode === 'error') throw system('failpoint', `failpoint ${name} triggered`);
  if (mode === 'crash') crash(name);
}

function crash(name: FailpointName): never {
  process.stderr.write(`conetd: failpoint ${name}: crashing (SIGKILL)\n`);
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL to oneself is delivered before kill() returns; this is never reached.
  throw system('failpoint', `failpoint ${name}: crash did not kill the process`);
}
