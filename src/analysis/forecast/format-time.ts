/** Writes a time the way the input file wrote its timestamps (NAB style, ISO 8601, or epoch ms). */
export function formatLike(example: string, time: number): string {
  if (/^\d{10,15}$/.test(example)) return String(time);
  const iso = new Date(time).toISOString();
  if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(example)) return iso.slice(0, 19).replace('T', ' ');
  return iso;
}
