/** Small DOM builders: elements are made with properties, never from HTML strings. */

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Pick<HTMLElement, 'className' | 'title' | 'id'>> & { text?: string; data?: Record<string, string> } = {},
  children: Array<Node | string> = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.title) node.title = props.title;
  if (props.id) node.id = props.id;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [k, v] of Object.entries(props.data ?? {})) node.dataset[k] = v;
  for (const child of children) node.append(child);
  return node;
}

export function button(text: string, onClick: () => void, title?: string): HTMLButtonElement {
  const b = el('button', { text, title });
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

/** A titled card around a chart's canvas; `box` sets the chart's size. */
export function chartCard(title: string, className: string, controls: Node[] = []): { root: HTMLElement; box: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = el('canvas');
  const box = el('div', { className: 'chart-box' }, [canvas]);
  const head = el('div', { className: 'card-head' }, [el('h2', { text: title }), el('span', { className: 'spacer' }), ...controls]);
  return { root: el('section', { className: `card ${className}` }, [head, box]), box, canvas };
}

/** A <select> whose options are replaced only when they change, so an open picker is not disturbed. */
export function setOptions(select: HTMLSelectElement, options: Array<{ value: string; label: string }>, value: string): void {
  const current = [...select.options].map((o) => `${o.value}\u0000${o.text}`).join('\n');
  const next = options.map((o) => `${o.value}\u0000${o.label}`).join('\n');
  if (current !== next) {
    select.replaceChildren(...options.map((o) => new Option(o.label, o.value)));
  }
  if (select.value !== value) select.value = value;
}
