/**
 * The Linux adapters under the kernel contract, run by kernel-contract.test.ts inside a throwaway
 * namespace (nsenter), so the adapters' default target, "the host", is that namespace and never
 * the machine's. Not a *.test file: it refuses to run anywhere else.
 */
import { after } from 'node:test';
import { statSync } from 'node:fs';
import { kernelContract } from '../../src/kernel/kernel.contract.js';
import { LinuxLinks } from '../../src/kernel/linux/links.js';
import { LinuxNftables } from '../../src/kernel/linux/nft.js';
import { LinuxSandboxes } from '../../src/kernel/linux/sandboxes.js';
import { LinuxSysctl } from '../../src/kernel/linux/sysctl.js';

const netns = process.env.CONET_CONTRACT_NETNS ?? '';
const prefix = process.env.CONET_CONTRACT_PREFIX ?? '';
const own = statSync('/proc/self/ns/net');
const expected = netns ? statSync(netns) : undefined;
if (!expected || expected.ino !== own.ino || expected.dev !== own.dev || !prefix) {
  throw new Error('kernel-contract-child must run inside the throwaway namespace CONET_CONTRACT_NETNS, with CONET_CONTRACT_PREFIX');
}

const firewall = new LinuxNftables();
after(() => firewall.close());

kernelContract('linux', {
  kernel: async () => ({ links: new LinuxLinks(), sandboxes: new LinuxSandboxes(), firewall, sysctl: new LinuxSysctl() }),
  prefix,
});
