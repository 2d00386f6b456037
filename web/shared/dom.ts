/**
 * A tiny DOM builder shared by the composer and the widget. It only ever creates elements and text
 * nodes: user and feed data become `Text`, never markup, so no caption can inject HTML (no innerHTML).
 * Styles go through the CSSOM (`el.style.x = …`), which a strict CSP without 'unsafe-inline' allows.
 */

export type Child = Node | string | number | false | null | undefined | Child[];

type Props = Record<string, unknown>;

/** `h('a', { href, class: 'x', onclick }, 'text', child)`: attributes, `on*` listeners, `style` object. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) {
    for (const [name, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith('on') && typeof value === 'function') {
        el.addEventListener(name.slice(2), value as EventListener);
      } else if (name === 'style' && typeof value === 'object') {
        Object.assign(el.style, value);
      } else if (name in el && !name.includes('-') && typeof value !== 'string') {
        (el as unknown as Record<string, unknown>)[name] = value;
      } else {
        el.setAttribute(name, value === true ? '' : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

/** Appends children, flattening arrays and turning strings and numbers into text nodes. */
export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `parent`. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}
