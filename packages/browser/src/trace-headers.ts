/**
 * A W3C `traceparent` on the page's fetch and XMLHttpRequest calls to the origins the site lists,
 * so the servers behind them continue the page's trace. Opt-in per origin: a header the CORS
 * safelist does not hold makes a cross-origin call preflighted, and the server must allow it.
 * A fetch that already carries a traceparent keeps it (an XMLHttpRequest's headers cannot be read
 * back: the page should not set its own on a listed origin). Returns a function that puts both back.
 */
export function addTraceHeaders(origins: string[]): () => void {
  const listed = (url: string | URL) => {
    try {
      return origins.includes(new URL(url, location.href).origin);
    } catch {
      return false;
    }
  };
  const hex = (bytes: number) => Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
  const traceparent = () => `00-${hex(16)}-${hex(8)}-01`;
  const { fetch } = window;
  const { open, send } = XMLHttpRequest.prototype;
  const urls = new WeakMap<XMLHttpRequest, string | URL>();
  // Calls to other origins go through untouched, exactly as the page made them.
  window.fetch = (input, init) => {
    if (!listed(input instanceof Request ? input.url : input)) return fetch(input, init);
    const request = new Request(input, init);
    if (!request.headers.has('traceparent')) request.headers.set('traceparent', traceparent());
    return fetch(request);
  };
  XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, ...args: unknown[]) {
    urls.set(this, args[1] as string);
    return (open as (...a: unknown[]) => void).apply(this, args);
  };
  XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body) {
    if (listed(urls.get(this)!)) this.setRequestHeader('traceparent', traceparent());
    return send.call(this, body);
  };
  return () => {
    window.fetch = fetch;
    Object.assign(XMLHttpRequest.prototype, { open, send });
  };
}
