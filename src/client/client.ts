/**
 * A small typed client of the daemon's API, for the `conet` command (and tests, and later the web
 * view). Each method sends one request and decodes the answer.
 */
import { asObject, str } from './decode.js';
import { decodeContainerList, decodeNetworkList } from './decode-summaries.js';
import { requestJson, type RequestOptions } from './http.js';
import { type DaemonAddress } from './host.js';
import type { ContainerSummary, NetworkSummary } from './types.js';

export type Filters = Record<string, string[]>;

function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, value);
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

function filtersParam(filters: Filters | undefined): string | undefined {
  return filters && Object.keys(filters).length > 0 ? JSON.stringify(filters) : undefined;
}

export class ConetClient {
  constructor(readonly address: DaemonAddress) {}

  /** Any JSON route (for commands whose answers are printed as they come, e.g. inspect). */
  getJson(path: string, options: RequestOptions = {}): Promise<unknown> {
    return requestJson(this.address, path, options);
  }

  async listContainers(options: { all?: boolean; filters?: Filters } = {}): Promise<ContainerSummary[]> {
    return decodeContainerList(await this.getJson(`/containers/json${query({ all: options.all ? '1' : undefined, filters: filtersParam(options.filters) })}`));
  }

  async listNetworks(filters?: Filters): Promise<NetworkSummary[]> {
    return decodeNetworkList(await this.getJson(`/networks${query({ filters: filtersParam(filters) })}`));
  }

  /** `GET /networks/{id}` as the daemon renders it (an object with at least Id and Name). */
  async inspectNetwork(idOrName: string, options: { verbose?: boolean } = {}): Promise<Record<string, unknown>> {
    const answer = asObject(await this.getJson(`/networks/${encodeURIComponent(idOrName)}${query({ verbose: options.verbose ? 'true' : undefined })}`), 'network');
    str(answer, 'Id', 'network');
    str(answer, 'Name', 'network');
    return answer;
  }

  /** `GET /containers/{id}/json` as the daemon renders it. */
  async inspectContainer(idOrName: string): Promise<Record<string, unknown>> {
    const answer = asObject(await this.getJson(`/containers/${encodeURIComponent(idOrName)}/json`), 'container');
    str(answer, 'Id', 'container');
    return answer;
  }
}
