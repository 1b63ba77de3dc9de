import { allSignals, init, type Collector } from './index.ts';

declare global {
  interface Window {
    vitalstream?: { init: typeof init; allSignals: typeof allSignals; collector?: Collector };
  }
}

// <script src=".../vitalstream.min.js" data-endpoint="https://.../v1/beacon" data-app="shop-web" async></script>
const data = (document.currentScript as HTMLScriptElement | null)?.dataset ?? {};
window.vitalstream = { init, allSignals };
if (data.endpoint && data.app) {
  const options: Parameters<typeof init>[0] = { endpoint: data.endpoint, app: data.app, dropBots: data.dropBots !== 'false', signals: allSignals() };
  if (data.release) options.release = data.release;
  if (data.sampleRate) options.sampleRate = Number(data.sampleRate);
  // data-trace-origins="https://api.shop.example https://cdn.shop.example" (commas also separate)
  if (data.traceOrigins) options.traceOrigins = data.traceOrigins.split(/[\s,]+/);
  window.vitalstream.collector = init(options);
}
