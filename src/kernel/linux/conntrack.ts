/**
 * Deleting connection-tracking entries with conntrack(8) (Debian `conntrack`). Entries outlive
 * the rules that made them: a UDP flow DNATed to a removed container keeps its translation while
 * the sender keeps sending, and goes to whoever gets that address next (Docker flushes them too,
 * by address and by port). Each filter is one argv built from checked values; conntrack exits 1
 * with "0 flow entries have been deleted" when nothing matched, which is success here.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { ExecError, run } from '../../exec/index.js';
import { invalid, system } from '../../errors/index.js';
import type { ConntrackFilter, NetnsTarget } from '../ports.js';
import { inNetns } from './netns-argv.js';

const TIMEOUT_MS = 10_000;
const NOTHING_DELETED = /0 flow entries have been deleted/;

type AddressField = 'source' | 'destination' | 'replySource';
const ADDRESS_FLAGS: ReadonlyArray<[AddressField, string]> = [['source', '--orig-src'], ['destination', '--orig-dst'], ['replySource', '--reply-src']];

function family(filter: ConntrackFilter): 'ipv4' | 'ipv6' | undefined {
  const addresses = ADDRESS_FLAGS.map(([field]) => filter[field]).filter((value): value is string => value !== undefined);
  for (const address of addresses) {
    if (!isIPv4(address) && !isIPv6(address)) throw invalid('conntrack-address', `invalid address ${JSON.stringify(address)} for a conntrack filter`);
  }
  if (filter.family !== undefined && filter.family !== 'ipv4' && filter.family !== 'ipv6') {
    throw invalid('conntrack-family', `invalid conntrack family ${JSON.stringify(filter.family)}`);
  }
  if (addresses.length === 0) return filter.family;
  const six = addresses.map(isIPv6);
  if (six.some((value) => value !== six[0]) || (filter.family !== undefined && (filter.family === 'ipv6') !== six[0])) {
    throw invalid('conntrack-address', 'a conntrack filter mixes IPv4 and IPv6');
  }
  return six[0] ? 'ipv6' : 'ipv4';
}

/** argv of `conntrack -D` for one filter; throws on a value that isn't what its field says. */
export function conntrackArgv(filter: ConntrackFilter): string[] {
  const argv = ['conntrack', '-D'];
  const which = family(filter);
  if (which) argv.push('-f', which);
  for (const [field, flag] of ADDRESS_FLAGS) {
    const value = filter[field];
    if (value !== undefined) argv.push(flag, value);
  }
  if (filter.protocol !== undefined) {
    if (!['tcp', 'udp', 'sctp'].includes(filter.protocol)) throw invalid('conntrack-protocol', `invalid protocol ${JSON.stringify(filter.protocol)}`);
    argv.push('-p', filter.protocol);
  }
  if (filter.destinationPort !== undefined) {
    const port = filter.destinationPort;
    if (filter.protocol === undefined || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw invalid('conntrack-port', `invalid conntrack port filter ${JSON.stringify(port)}`);
    }
    argv.push('--orig-port-dst', String(port));
  }
  if (argv.length === 2) throw invalid('conntrack-filter', 'a conntrack filter must match something (it would delete every entry)');
  return argv;
}

export async function flushConntrack(filter: ConntrackFilter, target?: NetnsTarget): Promise<void> {
  const argv = inNetns(conntrackArgv(filter), target);
  try {
    await run(argv, { timeoutMs: TIMEOUT_MS });
  } catch (error) {
    if (error instanceof ExecError && error.failure === 'exit' && NOTHING_DELETED.test(error.stderr)) return;
    const detail = error instanceof ExecError ? error.stderr.trim().split('\n').slice(0, 3).join(' ') || error.message : String(error);
    throw system('conntrack-failed', `conntrack -D failed: ${detail}`, error);
  }
}
