/**
 * The side panel: a clicked container's details (from /api/containers/ID) and the trace from it
 * to another container picked in a list (from /api/trace, shown as unavailable when the daemon
 * has no trace route).
 */
import type { ContainerDetails } from '../src/ui/details.js';
import type { Topology } from '../src/ui/topology.js';
import { el, table } from './dom.js';

interface TraceHop {
  kind?: string;
  name?: string;
  verdict?: string;
  detail?: string;
}

type TraceAnswer = { available: true; trace: { verdict?: string; reason?: string; hops?: TraceHop[] } } | { available: false; reason: string };

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { credentials: 'same-origin' });
  const body = (await response.json()) as T & { message?: string };
  if (!response.ok) throw new Error(body.message ?? `status ${response.status}`);
  return body;
}

function detailsView(details: ContainerDetails): HTMLElement[] {
  return [
    el('h2', {}, details.name, ' ', el('span', { class: 'muted' }, details.state)),
    el('p', { class: 'muted' }, details.id.slice(0, 12)),
    el('h3', {}, 'Interfaces'),
    table(['name', 'network', 'address', 'mac'], details.interfaces.map((item) => [item.name, item.network, [item.ipv4, item.ipv6].filter(Boolean).join(' '), item.mac])),
    el('h3', {}, 'Routes'),
    table(['to', 'via', 'dev'], details.routes.map((route) => [route.destination, route.via, route.device])),
    el('h3', {}, 'DNS names'),
    table(['network', 'names'], details.dnsNames.map((entry) => [entry.network, entry.names.join(', ')])),
    el('h3', {}, 'Published ports'),
    table(['container', 'host'], details.ports.map((port) => [port.container, port.host])),
  ];
}

function traceView(answer: TraceAnswer): HTMLElement {
  if (!answer.available) return el('p', { id: 'trace-result', 'data-verdict': 'unavailable', class: 'muted' }, `Trace unavailable: ${answer.reason}`);
  const verdict = answer.trace.verdict ?? 'unknown';
  const hops = (answer.trace.hops ?? []).map((hop) => [hop.kind ?? '', hop.name ?? '', hop.verdict ?? '', hop.detail ?? '']);
  return el('div', { id: 'trace-result', 'data-verdict': verdict },
    el('p', {}, 'Verdict: ', el('span', { class: `verdict-${verdict}` }, verdict), ' ', answer.trace.reason ?? ''),
    table(['hop', 'name', 'verdict', 'detail'], hops));
}

function traceControls(details: ContainerDetails, topology: Topology): HTMLElement {
  const others = topology.containers.filter((container) => container.id !== details.id);
  const select = el('select', { id: 'trace-to' }, ...others.map((container) => el('option', { value: container.name }, container.name))) as HTMLSelectElement;
  const result = el('div', {});
  const button = el('button', { id: 'trace-button', type: 'button' }, 'Trace');
  button.addEventListener('click', () => {
    result.replaceChildren(el('p', { class: 'muted' }, 'tracing…'));
    const query = new URLSearchParams({ src: details.name, dst: select.value });
    getJson<TraceAnswer>(`/api/trace?${query.toString()}`).then(
      (answer) => result.replaceChildren(traceView(answer)),
      (error: unknown) => result.replaceChildren(el('p', { id: 'trace-result', 'data-verdict': 'error' }, `Trace failed: ${String(error)}`)),
    );
  });
  return el('div', {}, el('h3', {}, 'Trace to'), select, ' ', button, result);
}

export async function showContainer(panel: HTMLElement, id: string, topology: Topology): Promise<void> {
  panel.replaceChildren(el('p', { class: 'muted' }, 'loading…'));
  try {
    const details = await getJson<ContainerDetails>(`/api/containers/${encodeURIComponent(id)}`);
    panel.replaceChildren(...detailsView(details), traceControls(details, topology));
    panel.dataset['container'] = details.name;
  } catch (error) {
    panel.replaceChildren(el('p', { class: 'muted' }, `Could not read the container: ${String(error)}`));
  }
}
