// A jsdom window for the editors' component tests, installed as globals before React is loaded, and the few
// user actions the tests need (typing into a controlled input, clicking), each wrapped in act().
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>', { url: 'http://127.0.0.1/' });
const g = globalThis as Record<string, unknown>;
for (const name of ['window', 'document', 'navigator', 'HTMLElement', 'HTMLInputElement', 'HTMLTextAreaElement', 'HTMLDialogElement', 'Node', 'Event', 'MouseEvent', 'KeyboardEvent', 'getComputedStyle', 'requestAnimationFrame', 'cancelAnimationFrame']) {
  if (!(name in g) || name === 'navigator') Object.defineProperty(g, name, { value: (dom.window as unknown as Record<string, unknown>)[name], configurable: true, writable: true });
}
g.IS_REACT_ACT_ENVIRONMENT = true;

const { act, createElement } = await import('react');
const { createRoot } = await import('react-dom/client');

export async function render(element: ReturnType<typeof createElement>): Promise<{ container: HTMLElement; unmount: () => Promise<void> }> {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  await act(async () => root.render(element));
  return { container, unmount: async () => { await act(async () => root.unmount()); container.remove(); } };
}

/** Sets a controlled input's value as a person typing would (React listens for the input event). */
export async function type(el: Element | null, value: string): Promise<void> {
  if (!el) throw new Error('no such field');
  const proto = el instanceof dom.window.HTMLTextAreaElement ? dom.window.HTMLTextAreaElement.prototype : dom.window.HTMLInputElement.prototype;
  await act(async () => {
    Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(el, value);
    el.dispatchEvent(new dom.window.Event('input', { bubbles: true }));
  });
}

export async function click(el: Element | null | undefined): Promise<void> {
  if (!el) throw new Error('no such button');
  await act(async () => { (el as HTMLElement).click(); });
}

export function byLabel(container: HTMLElement, label: string): HTMLInputElement | null {
  const direct = container.querySelector<HTMLInputElement>(`[aria-label="${label}"]`);
  if (direct) return direct;
  const l = [...container.querySelectorAll('label')].find((x) => x.textContent === label);
  return l ? container.querySelector<HTMLInputElement>(`#${CSS.escape(l.htmlFor)}`) : null;
}

export function button(container: HTMLElement, name: string): HTMLButtonElement | undefined {
  return [...container.querySelectorAll('button')].find((b) => (b.getAttribute('aria-label') ?? b.textContent) === name);
}

const CSS = { escape: (s: string) => s.replace(/[^\w-]/g, (c) => `\\${c}`) };
