/**
 * FirewallPort over the nft binary. Scripts go in on stdin (`nft -f -`) so a whole change is one
 * spawn and one kernel transaction; a target namespace is entered with nsenter, because Node
 * can't move its own thread into another namespace. Listings come from `nft -j`.
 */
import { ExecError, run } from '../../exec/index.js';
import { EngineError, invalid, notFound, system } from '../../errors/index.js';
import type { ConntrackFilter, FirewallPort, NetnsTarget } from '../ports.js';
import { flushConntrack } from './conntrack.js';
import { NftSession } from './nft-session.js';

const TIMEOUT_MS = 15_000;
const STDERR_LINES = 6;
const FAMILIES = new Set(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);
// nft parses argv as one command line, so names given on argv must not be able to add syntax.
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** Minimal typing of `nft -j list table` objects; unknown keys are kept as they come. */
export interface NftJsonTable { family: string; name: string; handle: number }
export interface NftJsonChain {
  family: string; table: string; name: string; handle: number;
  type?: string; hook?: string; prio?: number; policy?: string;
}
export interface NftJsonRule { family: string; table: string; chain: string; handle: number; expr: unknown[] }
export interface NftJsonSet {
  family: string; table: string; name: string; handle: number;
  type: string | string[]; map?: string | string[]; flags?: string[]; elem?: unknown[];
}
export type NftJsonObject =
  | { metainfo: Record<string, unknown> }
  | { table: NftJsonTable }
  | { chain: NftJsonChain }
  | { rule: NftJsonRule }
  | { set: NftJsonSet }
  | { map: NftJsonSet }
  | Record<string, unknown>;

export interface NftTableListing {
  table: NftJsonTable;
  chains: NftJsonChain[];
  rules: NftJsonRule[];
  sets: NftJsonSet[];
  maps: NftJsonSet[];
}

function nftArgv(args: readonly string[], target?: NetnsTarget): string[] {
  const argv = ['nft', ...args];
  return target?.netns ? ['nsenter', `--net=${target.netns}`, '--', ...argv] : argv;
}

// nft's own wording for a missing table or chain. nsenter says "No such file or directory" too when
// the namespace file is missing, but without the "Error:" prefix; that must stay a failure.
const NFT_NO_SUCH_OBJECT = /^Error: (?:Could not process rule: )?No such file or directory/m;

function isNoSuchObject(error: unknown): boolean {
  return error instanceof ExecError && error.failure === 'exit' && NFT_NO_SUCH_OBJECT.test(error.stderr);
}

function nftFailure(action: string, error: unknown): EngineError {
  const stderr = error instanceof ExecError ? error.stderr.trim() : '';
  const detail = stderr
    ? stderr.split('\n').slice(0, STDERR_LINES).join('\n')
    : error instanceof Error ? error.message : String(error);
  return system('nft-failed', `${action} failed: ${detail}`, error);
}

function checkTable(family: string, name: string): void {
  if (!FAMILIES.has(family)) throw invalid('nft-invalid-family', `invalid nftables family ${JSON.stringify(family)}`);
  if (!IDENTIFIER.test(name)) throw invalid('nft-invalid-table', `invalid nftables table name ${JSON.stringify(name)}`);
}

function parseObjects(stdout: string): NftJsonObject[] {
  const document = JSON.parse(stdout) as { nftables?: unknown };
  if (!Array.isArray(document.nftables)) throw system('nft-json', 'nft -j output has no "nftables" array');
  return document.nftables as NftJsonObject[];
}

/** Splits `nft -j list table` output into typed lists; throws if it isn't such a listing. */
export function parseTableListing(stdout: string): NftTableListing {
  let table: NftJsonTable | undefined;
  const listing: Omit<NftTableListing, 'table'> = { chains: [], rules: [], sets: [], maps: [] };
  for (const object of parseObjects(stdout)) {
    if ('table' in object) table = object.table as NftJsonTable;
    else if ('chain' in object) listing.chains.push(object.chain as NftJsonChain);
    else if ('rule' in object) listing.rules.push(object.rule as NftJsonRule);
    else if ('set' in object) listing.sets.push(object.set as NftJsonSet);
    else if ('map' in object) listing.maps.push(object.map as NftJsonSet);
  }
  if (table === undefined) throw system('nft-json', 'nft -j output has no table object');
  return { table, ...listing };
}

/** Whether `nft -j list tables` output names the table. */
export function listsTable(stdout: string, family: string, name: string): boolean {
  return parseObjects(stdout).some((object) => {
    const table = 'table' in object ? (object.table as NftJsonTable) : undefined;
    return table?.family === family && table.name === name;
  });
}

export class LinuxNftables implements FirewallPort {
  /** One long-lived `nft -i` for element changes in the daemon's own namespace. */
  private session: NftSession | undefined;

  /** Scripts of one command per line (elements, a network's chains), as one transaction through the live session. */
  async applyElements(script: string, target?: NetnsTarget): Promise<void> {
    if (target?.netns) return this.apply(script, target);
    this.session ??= new NftSession();
    await this.session.run(script);
  }

  close(): void {
    this.session?.close();
    this.session = undefined;
  }

  /** Applies a script as one transaction: all of it or none of it. */
  async apply(script: string, target?: NetnsTarget): Promise<void> {
    try {
      await run(nftArgv(['-f', '-'], target), { input: script, timeoutMs: TIMEOUT_MS });
    } catch (error) {
      throw nftFailure('nft -f', error);
    }
  }

  async listTable(family: string, name: string, target?: NetnsTarget): Promise<NftTableListing> {
    checkTable(family, name);
    let stdout: string;
    try {
      stdout = (await run(nftArgv(['-j', 'list', 'table', family, name], target), { timeoutMs: TIMEOUT_MS })).stdout;
    } catch (error) {
      if (isNoSuchObject(error)) throw notFound('nft-table-not-found', `nftables table "${family} ${name}" not found`);
      throw nftFailure(`nft list table ${family} ${name}`, error);
    }
    try {
      return parseTableListing(stdout);
    } catch (error) {
      throw system('nft-failed', `nft list table ${family} ${name}: unreadable output`, error);
    }
  }

  /** Asks for the table names only, so a big table isn't rendered just to learn it exists. */
  async tableExists(family: string, name: string, target?: NetnsTarget): Promise<boolean> {
    checkTable(family, name);
    try {
      const { stdout } = await run(nftArgv(['-j', 'list', 'tables', family], target), { timeoutMs: TIMEOUT_MS });
      return listsTable(stdout, family, name);
    } catch (error) {
      throw nftFailure(`nft list tables ${family}`, error);
    }
  }

  flushConntrack(filter: ConntrackFilter, target?: NetnsTarget): Promise<void> {
    return flushConntrack(filter, target);
  }

  /** Deletes a table with everything in it; a table that is already gone is success. */
  async deleteTable(family: string, name: string, target?: NetnsTarget): Promise<void> {
    checkTable(family, name);
    try {
      await run(nftArgv(['delete', 'table', family, name], target), { timeoutMs: TIMEOUT_MS });
    } catch (error) {
      if (isNoSuchObject(error)) return;
      throw nftFailure(`nft delete table ${family} ${name}`, error);
    }
  }
}
