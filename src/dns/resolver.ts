/**
 * One DNS query in, one answer out (or nothing, for a client no longer on any DNS network: the
 * resolver is never an open resolver). Names of the asker's networks are answered from the table;
 * everything else goes to the upstream servers, unless the asker is only on internal networks.
 */
import * as packet from 'dns-packet';
import { addressOfPtr, askerById, mayForward, resolveName, reverseName, type Asker, type NameTable } from './name-table.js';

/** Docker's resolver answers container names with this TTL. */
const TTL = 600;
const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

export interface ResolverDeps {
  table(): NameTable;
  /** Upstream servers for a container: its --dns, else the daemon's own resolv.conf. */
  upstreams(containerId: string): Promise<string[]>;
  /** Undefined when upstreams fail or the client is over its cap of forwards in flight: SERVFAIL. */
  forward(query: Buffer, servers: readonly string[], client: DnsClient): Promise<Buffer | undefined>;
  /** FQDN egress rules covering the client (by its addresses on its DNS networks), if any. */
  fqdn?(addresses: readonly string[]): FqdnClientGate | undefined;
}

export type Transport = 'udp' | 'tcp';

/** What the resolver asks of FQDN egress rules for one query of a client they cover (fqdn-gate.ts). */
export interface FqdnClientGate {
  /** Whether the name gets NXDOMAIN instead of a forward. */
  refuses(name: string): boolean;
  /** Adds the answer's allowed addresses to the policies' sets; false when that failed (reported). */
  admit(name: string, response: Buffer): Promise<boolean>;
}

/**
 * Who asks: the container whose own sockets (inside its namespace) took the query. The socket,
 * not the source address (127.0.0.1 there), says who it is; caps and policy are per client.
 */
export interface DnsClient {
  containerId: string;
}

export async function answerQuery(query: Buffer, client: DnsClient, transport: Transport, deps: ResolverDeps): Promise<Buffer | undefined> {
  let decoded: packet.DecodedPacket;
  try {
    decoded = packet.decode(query);
  } catch {
    // not a DNS message: dropped unanswered, as resolvers do
    return undefined;
  }
  if (decoded.type !== 'query') return undefined;
  const asker = askerById(deps.table(), client.containerId);
  if (!asker) return undefined;
  const question = decoded.questions?.[0];
  if (!question) return reply(decoded, RCODE.FORMERR, []);
  if (question.type === 'A' || question.type === 'AAAA') {
    const found = resolveName(asker, question.name, question.type === 'A' ? 4 : 6);
    if (found.known) {
      const answers = found.addresses.map((address) => ({ type: question.type, name: question.name, ttl: TTL, data: address }) as packet.Answer);
      return limit(reply(decoded, RCODE.NOERROR, answers), query, transport);
    }
  }
  if (question.type === 'PTR') {
    const address = addressOfPtr(question.name);
    const name = address === undefined ? undefined : reverseName(asker, address);
    if (name) return reply(decoded, RCODE.NOERROR, [{ type: 'PTR', name: question.name, ttl: TTL, data: name }]);
  }
  const fqdn = deps.fqdn?.(addressesOf(asker));
  if (fqdn?.refuses(question.name)) return reply(decoded, RCODE.NXDOMAIN, []);
  if (!mayForward(asker)) return reply(decoded, RCODE.SERVFAIL, []);
  // Upstreams failing is the client's SERVFAIL below, not an error of ours.
  const forwarded = await deps.forward(query, await deps.upstreams(asker.containerId), client).catch(() => undefined);
  if (!forwarded) return reply(decoded, RCODE.SERVFAIL, []);
  // The allowed addresses are in the policy's sets before the client has the answer; an answer
  // whose addresses could not be added would only fail the connection after it: SERVFAIL.
  if (fqdn && !(await fqdn.admit(question.name, forwarded))) return reply(decoded, RCODE.SERVFAIL, []);
  return limit(forwarded, query, transport);
}

/** The asker's own addresses on its DNS networks (what policies select it by). */
function addressesOf(asker: Asker): string[] {
  return asker.networks
    .flatMap((network) => network.endpoints.filter((endpoint) => endpoint.containerId === asker.containerId))
    .flatMap((endpoint) => [endpoint.ipv4, endpoint.ipv6])
    .filter((address) => address !== '');
}

function reply(query: packet.DecodedPacket, rcode: number, answers: packet.Answer[]): Buffer {
  const flags = (query.flags ?? 0) & packet.RECURSION_DESIRED;
  return packet.encode({ type: 'response', id: query.id ?? 0, flags: flags | packet.RECURSION_AVAILABLE | rcode, questions: query.questions ?? [], answers });
}

/** The largest UDP answer the client accepts: its EDNS payload size, else 512. */
export function udpLimit(query: Buffer): number {
  try {
    const opt = packet.decode(query).additionals?.find((record) => record.type === 'OPT') as { udpPayloadSize?: number } | undefined;
    return Math.max(512, opt?.udpPayloadSize ?? 512);
  } catch {
    // undecodable: the classic limit
    return 512;
  }
}

/** Over UDP, an answer too large for the client becomes an empty one with TC set: it retries over TCP. */
function limit(response: Buffer, query: Buffer, transport: Transport): Buffer {
  if (transport === 'tcp' || response.length <= udpLimit(query)) return response;
  const decoded = packet.decode(response);
  return packet.encode({ type: 'response', id: decoded.id ?? 0, flags: (decoded.flags ?? 0) | packet.TRUNCATED_RESPONSE, questions: decoded.questions ?? [], answers: [] });
}
