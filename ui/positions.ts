/**
 * Where each node goes: networks in a row, each network's containers in a block of rows beneath it
 * (a container on several networks sits under the first), a container's published ports just
 * below it. O(n), and stable: a node keeps its place while the containers before it stay, so
 * `docker run` adds a node without moving the others. (Cytoscape's own layouts cost about a
 * second at 500 containers on a 2-CPU machine; see BENCHMARKS.md, issue 17.)
 */
import type { Topology } from '../src/ui/topology.js';

export interface Point {
  x: number;
  y: number;
}

const COLUMN = 110;
const ROW = 80;
const TOP = 140;

interface Block {
  key: string | undefined;
  members: readonly string[];
  columns: number;
  width: number;
  height: number;
}

function block(key: string | undefined, members: readonly string[]): Block {
  const columns = Math.max(1, Math.ceil(Math.sqrt(members.length / 2)));
  return { key, members, columns, width: (columns + 1) * COLUMN, height: TOP + Math.ceil(members.length / columns) * ROW + ROW };
}

/** Blocks left to right, wrapped into rows about as wide as the whole is tall (times 1.5). */
function placeBlocks(blocks: readonly Block[], positions: Map<string, Point>): void {
  const area = blocks.reduce((sum, item) => sum + item.width * item.height, 0);
  const maxWidth = Math.max(...blocks.map((item) => item.width), Math.sqrt(area * 1.5));
  let left = 0;
  let top = 0;
  let rowHeight = 0;
  for (const item of blocks) {
    if (left > 0 && left + item.width > maxWidth) {
      left = 0;
      top += rowHeight;
      rowHeight = 0;
    }
    if (item.key !== undefined) positions.set(item.key, { x: left + ((item.columns - 1) * COLUMN) / 2, y: top });
    item.members.forEach((id, index) => positions.set(id, { x: left + (index % item.columns) * COLUMN, y: top + TOP + Math.floor(index / item.columns) * ROW }));
    left += item.width;
    rowHeight = Math.max(rowHeight, item.height);
  }
}

export function layoutPositions(topology: Topology): Map<string, Point> {
  const byNetwork = new Map<string, string[]>(topology.networks.map((network) => [network.id, []]));
  const loose: string[] = [];
  for (const container of topology.containers) {
    const first = container.endpoints.find((endpoint) => byNetwork.has(endpoint.networkId));
    (first ? byNetwork.get(first.networkId) ?? loose : loose).push(container.id);
  }
  const blocks = [...byNetwork].map(([network, members]) => block(network, members));
  if (loose.length > 0) blocks.push(block(undefined, loose));
  const positions = new Map<string, Point>();
  placeBlocks(blocks, positions);
  return positions;
}
