/**
 * The graph on the page (Cytoscape.js): elements replaced in place on each snapshot (kept ones
 * get their new data and place, gone ones are removed, new ones added at theirs, positions.ts),
 * and the view fitted again when the set of elements changed.
 */
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';

/** Below this zoom, labels (10 px) would be drawn under 5 px. */
const FAR_ZOOM = 0.5;

const STYLE: cytoscape.StylesheetJson = [
  // Labels under 7 px on screen are not drawn (a 500-container graph fitted to the window): they
  // are unreadable there and drawing them is most of a frame. Zooming in shows them.
  { selector: 'node', style: { label: 'data(label)', 'min-zoomed-font-size': 7, 'text-wrap': 'wrap', 'font-size': 10, 'text-valign': 'bottom', 'text-margin-y': 4, color: '#1d2530' } },
  { selector: 'node[kind = "network"]', style: { shape: 'round-rectangle', width: 46, height: 26, 'background-color': '#3d7bd9' } },
  { selector: 'node[kind = "network"][internal = 1]', style: { 'background-color': '#8a63d2' } },
  { selector: 'node[kind = "container"]', style: { shape: 'ellipse', width: 24, height: 24, 'background-color': '#2f9e5a' } },
  { selector: 'node[kind = "container"][state != "running"]', style: { 'background-color': '#9aa3ad' } },
  { selector: 'node[kind = "port"]', style: { shape: 'tag', width: 14, height: 14, 'background-color': '#e08a1e', 'font-size': 9 } },
  { selector: 'edge', style: { width: 1.5, 'line-color': '#9fb0c3', 'curve-style': 'straight', label: 'data(label)', 'min-zoomed-font-size': 7, 'font-size': 8, color: '#56606b', 'text-rotation': 'autorotate' } },
  { selector: 'edge[kind = "publish"]', style: { 'line-style': 'dashed', 'line-color': '#e08a1e' } },
  // Zoomed far out (a large graph fitted to the window) labels are unreadable, and measuring them
  // is most of the first frame at 500 containers: they are dropped until the user zooms in.
  { selector: '.far', style: { label: '' } },
  { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#f2c94c' } },
];

export class TopologyGraph {
  readonly cy: Core;

  private far = false;

  constructor(container: HTMLElement) {
    this.cy = cytoscape({ container, style: STYLE, minZoom: 0.05, maxZoom: 4 });
    this.cy.on('zoom', () => this.labelsForZoom(false));
  }

  private labelsForZoom(always: boolean): void {
    const far = this.cy.zoom() < FAR_ZOOM;
    if (far === this.far && !always) return;
    this.far = far;
    this.cy.batch(() => this.cy.elements().toggleClass('far', far));
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
        if (existing.empty()) fresh.push(element);
        else {
          existing.data(element.data);
          if (element.position && existing.isNode()) existing.position(element.position);
        }
      }
      if (fresh.length > 0) changed = true;
      cy.add(fresh.filter((element) => element.group === 'nodes'));
      cy.add(fresh.filter((element) => element.group === 'edges'));
    });
    if (changed) this.fit(elements);
    return changed;
  }

  /**
   * Zoom and pan to show every node, from the positions alone: cy.fit() measures every label's
   * text for its bounding box, most of a second at 500 containers.
   */
  private fit(elements: readonly ElementDefinition[]): void {
    const points = elements.flatMap((element) => (element.position ? [element.position] : []));
    if (points.length === 0) return;
    const xs = points.map((point) => point.x);
    const ys = points.map((point) => point.y);
    const [left, right, top, bottom] = [Math.min(...xs) - 60, Math.max(...xs) + 60, Math.min(...ys) - 40, Math.max(...ys) + 60];
    const zoom = Math.min(2, this.cy.width() / (right - left), this.cy.height() / (bottom - top));
    this.cy.viewport({ zoom, pan: { x: (this.cy.width() - (left + right) * zoom) / 2, y: (this.cy.height() - (top + bottom) * zoom) / 2 } });
    this.labelsForZoom(true);
  }
}
