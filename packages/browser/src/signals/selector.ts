/** A short, bounded description of an element (`button#buy`, `img.hero`): a dimension, not a full selector. */
export function describeElement(node: Node | null | undefined): string {
  const element = node as Element | null | undefined;
  if (!element?.tagName) return 'unknown';
  const tag = element.tagName.toLowerCase();
  const id = element.id ? `#${element.id}` : '';
  const className = !id && typeof element.className === 'string' ? element.className.trim().split(/\s+/)[0] : '';
  return `${tag}${id}${className ? `.${className}` : ''}`.slice(0, 64);
}

const TYPES: Record<string, string> = {
  js: 'script',
  mjs: 'script',
  css: 'stylesheet',
  jpg: 'image',
  jpeg: 'image',
  png: 'image',
  gif: 'image',
  svg: 'image',
  webp: 'image',
  avif: 'image',
  ico: 'image',
  woff: 'font',
  woff2: 'font',
  ttf: 'font',
  otf: 'font',
  eot: 'font',
  mp4: 'media',
  webm: 'media',
  mp3: 'media',
  json: 'fetch',
};

/** Resource type by file extension, else the initiator (fetch, xmlhttprequest, ...). */
export function resourceType(url: string, initiator?: string): string {
  const extension = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url.split('?')[0] ?? '')?.[1]?.toLowerCase() ?? '';
  return TYPES[extension] ?? initiator ?? 'other';
}
