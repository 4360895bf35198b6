/**
 * The graph on the page (Cytoscape.js): elements replaced in place on each snapshot (kept ones
 * get their new data, gone ones are removed, new ones added) and laid out again, networks as
 * the roots of a breadth-first layout when the set of elements changed.
 */
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';

const STYLE: cytoscape.StylesheetJson = [
  { selector: 'node', style: { label: 'data(label)', 'text-wrap': 'wrap', 'font-size': 10, 'text-valign': 'bottom', 'text-margin-y': 4, color: '#1d2530' } },
  { selector: 'node[kind = "network"]', style: { shape: 'round-rectangle', width: 46, height: 26, 'background-color': '#3d7bd9' } },
  { selector: 'node[kind = "network"][internal = 1]', style: { 'background-color': '#8a63d2' } },
  { selector: 'node[kind = "container"]', style: { shape: 'ellipse', width: 24, height: 24, 'background-color': '#2f9e5a' } },
  { selector: 'node[kind = "container"][state != "running"]', style: { 'background-color': '#9aa3ad' } },
  { selector: 'node[kind = "port"]', style: { shape: 'tag', width: 14, height: 14, 'background-color': '#e08a1e', 'font-size': 9 } },
  { selector: 'edge', style: { width: 1.5, 'line-color': '#9fb0c3', 'curve-style': 'bezier', label: 'data(label)', 'font-size': 8, color: '#56606b', 'text-rotation': 'autorotate' } },
  { selector: 'edge[kind = "publish"]', style: { 'line-style': 'dashed', 'line-color': '#e08a1e' } },
  { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#f2c94c' } },
];

export class TopologyGraph {
  readonly cy: Core;

  constructor(container: HTMLElement) {
    this.cy = cytoscape({ container, style: STYLE, wheelSensitivity: 0.3, minZoom: 0.05, maxZoom: 4 });
  }

  /** Replaces the graph's elements with `elements`; returns whether any were added or removed. */
  update(elements: readonly ElementDefinition[]): boolean {
    const cy = this.cy;
    const wanted = new Map(elements.map((element) => [String(element.data.id), element]));
    let changed = false;
    cy.batch(() => {
      const gone = cy.elements().filter((element) => !wanted.has(element.id()));
      if (gone.nonempty()) changed = true;
      gone.remove();
      const fresh: ElementDefinition[] = [];
      for (const [id, element] of wanted) {
        const existing = cy.getElementById(id);
        if (existing.nonempty()) existing.data(element.data);
        else fresh.push(element);
      }
      if (fresh.length > 0) changed = true;
      cy.add(fresh.filter((element) => element.group === 'nodes'));
      cy.add(fresh.filter((element) => element.group === 'edges'));
    });
    if (changed) this.layout();
    return changed;
  }

  private layout(): void {
    const roots = this.cy.nodes('[kind = "network"]').map((node) => node.id());
    this.cy.layout({ name: 'breadthfirst', roots, spacingFactor: 1.4, animate: false, fit: true, padding: 30, avoidOverlap: true }).run();
  }
}
