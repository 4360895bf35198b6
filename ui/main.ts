/**
 * The page: a live graph fed by /api/events (server-sent events, one full snapshot per change),
 * and a side panel for the clicked container. `window.conetView` lets tests and the benchmark
 * read what the graph holds; `document.body.dataset.version` counts rendered snapshots.
 */
import type { Topology } from '../src/ui/topology.js';
import { topologyElements } from './elements.js';
import { TopologyGraph } from './graph.js';
import { showContainer } from './panel.js';

declare global {
  interface Window {
    conetView?: {
      nodes(): Array<{ id: string; kind: string; name: string }>;
      edges(): Array<{ source: string; target: string; kind: string }>;
      /** Where a container's node is drawn, in page pixels (for a test's click). */
      pagePosition(name: string): { x: number; y: number } | undefined;
      /** ms the last snapshot took to go into the graph (parse, elements, positions, fit). */
      timings(): { renderMs: number };
    };
  }
}

function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`page has no #${id}`);
  return element;
}

function main(): void {
  const graph = new TopologyGraph(byId('graph'));
  const panel = byId('panel');
  const live = byId('live');
  let topology: Topology = { host: '', networks: [], containers: [], edges: [] };
  let version = 0;
  let renderMs = 0;
  window.conetView = {
    nodes: () => graph.cy.nodes().map((node) => ({ id: node.id(), kind: String(node.data('kind')), name: String(node.data('name') ?? node.data('label')) })),
    edges: () => graph.cy.edges().map((edge) => ({ source: edge.source().id(), target: edge.target().id(), kind: String(edge.data('kind')) })),
    timings: () => ({ renderMs }),
    pagePosition: (name) => {
      const node = graph.cy.nodes('[kind = "container"]').filter((item) => item.data('name') === name).nodes().first();
      if (node.empty()) return undefined;
      const box = byId('graph').getBoundingClientRect();
      const at = node.renderedPosition();
      return { x: box.left + at.x, y: box.top + at.y };
    },
  };
  graph.cy.on('tap', 'node[kind = "container"]', (event) => {
    void showContainer(panel, String(event.target.data('containerId')), topology);
  });
  const events = new EventSource('/api/events');
  events.addEventListener('topology', (event) => {
    const start = performance.now();
    topology = JSON.parse((event as MessageEvent<string>).data) as Topology;
    graph.update(topologyElements(topology));
    renderMs = performance.now() - start;
    byId('host').textContent = topology.host;
    byId('counts').textContent = `${topology.networks.length} networks · ${topology.containers.length} containers`;
    version += 1;
    document.body.dataset['version'] = String(version);
  });
  events.addEventListener('open', () => {
    live.textContent = 'live';
    live.className = 'live on';
  });
  events.addEventListener('error', () => {
    live.textContent = 'reconnecting…';
    live.className = 'live';
  });
}

main();
