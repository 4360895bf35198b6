/**
 * CHECK: the attachment as recorded against the kernel as it is. Each missing piece (the
 * container's interface, its address, its default route, the host's veth, a published port's map
 * element) is named in the error, so the runtime can tell the user what broke.
 */
import { notFound, unavailable } from '../../errors/index.js';
import type { LinkPort } from '../../kernel/ports.js';
import type { Attachment } from './attachment.js';

export interface CheckDeps {
  links: LinkPort;
  /** The path of a namespace by name. */
  netnsPath(name: string): string;
  /** The published ports the firewall holds for an owner, as "hostPort/protocol". */
  portsOf(owner: string): string[];
}

function bare(cidr: string): string {
  return cidr.split('/')[0] ?? '';
}

async function containerSide(deps: CheckDeps, record: Attachment): Promise<string[]> {
  const target = { netns: deps.netnsPath(record.netns) };
  // A namespace that is gone has no interface: that is what CHECK reports.
  const links = await deps.links.listLinks(target).catch(() => []);
  if (!links.some((link) => link.name === record.ifname)) return [`interface ${record.ifname} is missing in ${record.netns}`];
  const problems: string[] = [];
  const addresses = await deps.links.listAddresses(target);
  for (const cidr of [record.ipv4Address, record.ipv6Address].filter((value) => value !== '')) {
    if (!addresses.some((entry) => entry.link === record.ifname && entry.address === bare(cidr))) problems.push(`address ${cidr} is missing on ${record.ifname}`);
  }
  if (!record.internal && record.gateway4 !== '') {
    const routes = await deps.links.listRoutes(target);
    if (!routes.some((route) => route.destination === 'default' && route.gateway === record.gateway4)) problems.push(`default route via ${record.gateway4} is missing`);
  }
  return problems;
}

async function hostSide(deps: CheckDeps, record: Attachment): Promise<string[]> {
  const problems: string[] = [];
  if (record.hostIfname !== '' && !(await deps.links.listLinks()).some((link) => link.name === record.hostIfname)) {
    problems.push(`host interface ${record.hostIfname} is missing`);
  }
  const held = new Set(deps.portsOf(record.owner));
  for (const port of record.ports) {
    if (!held.has(`${port.hostPort}/${port.protocol}`)) problems.push(`port mapping ${port.hostPort}/${port.protocol} is missing`);
  }
  return problems;
}

/** Throws 'unavailable' naming every missing piece; 'not-found' when there is no such attachment. */
export async function checkAttachment(deps: CheckDeps, record: Attachment | undefined, key: string): Promise<void> {
  if (!record) throw notFound('cni-attachment', `no attachment ${key}`);
  const problems = [...(await containerSide(deps, record)), ...(await hostSide(deps, record))];
  if (problems.length > 0) throw unavailable('cni-check', `attachment ${key}: ${problems.join('; ')}`);
}
