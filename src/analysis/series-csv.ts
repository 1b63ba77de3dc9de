export interface CsvPoint {
  /** The timestamp exactly as written in the file. */
  raw: string;
  time: number;
  value: number;
}

/**
 * Reads a `timestamp,value` CSV (NAB's format: `YYYY-MM-DD HH:MM:SS`, no zone, read as UTC; ISO 8601
 * and epoch ms also accepted). Rows stay in file order: NAB files have repeated and backward steps.
 */
export function parseSeriesCsv(text: string): CsvPoint[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = lines.shift()?.trim().toLowerCase().replace(/\s/g, '');
  if (header !== 'timestamp,value') throw new Error(`expected a "timestamp,value" header, found "${header ?? ''}"`);
  return lines.map((line, i) => {
    const [raw = '', rawValue = ''] = line.split(',');
    const value = Number(rawValue);
    const time = /^\d{10,15}$/.test(raw.trim()) ? Number(raw) : Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(raw) ? raw.trim() : `${raw.trim().replace(' ', 'T')}Z`);
    if (!Number.isFinite(value) || rawValue.trim() === '') throw new Error(`line ${i + 2}: value '${rawValue}' is not a number`);
    if (Number.isNaN(time)) throw new Error(`line ${i + 2}: timestamp '${raw}' is not a date`);
    return { raw: raw.trim(), time, value };
  });
}
