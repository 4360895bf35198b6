/** A tiny element builder: text goes in as text nodes, never as HTML. */
export function el(tag: string, attributes: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) element.append(child);
  return element;
}

export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): HTMLElement {
  if (rows.length === 0) return el('p', { class: 'muted' }, 'none');
  return el('table', {}, el('tr', {}, ...headers.map((header) => el('th', {}, header))), ...rows.map((row) => el('tr', {}, ...row.map((cell) => el('td', {}, cell)))));
}
