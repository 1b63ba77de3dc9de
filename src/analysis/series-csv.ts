export interface CsvPoint {
  /** The timestamp exactly as written in the file. */
  raw: string;
  time: number;
  value: number;
}

export interface CsvOptions {
  /**
   * `strict` (the default): every timestamp must come after the one before, so a file sorted wrongly
   * or with repeated rows is refused at its first bad line instead of judged in a wrong order.
   * `file`: rows are judged in file order whatever their timestamps, as NAB scores its files (some
   * of which repeat an hour at a daylight-saving change or step back).
   */
  order?: 'strict' | 'file';
}

/**
 * Reads a `timestamp,value` CSV (NAB's format: `YYYY-MM-DD HH:MM:SS`, no zone, read as UTC; ISO 8601
 * and epoch ms also accepted).
 */
export function parseSeriesCsv(text: string, options: CsvOptions = {}): CsvPoint[] {
  const lines = text
    .split(/\r?\n/)
    .map((line, i) => ({ line, number: i + 1 }))
    .filter(({ line }) => line.trim() !== '');
  const header = lines.shift()?.line.trim().toLowerCase().replace(/\s/g, '');
  if (header !== 'timestamp,value') throw new Error(`expected a "timestamp,value" header, found "${header ?? ''}"`);
  const points = lines.map(({ line, number }) => {
    const [raw = '', rawValue = ''] = line.split(',');
    const value = Number(rawValue);
    const time = /^\d{10,15}$/.test(raw.trim()) ? Number(raw) : Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(raw) ? raw.trim() : `${raw.trim().replace(' ', 'T')}Z`);
    if (!Number.isFinite(value) || rawValue.trim() === '') throw new Error(`line ${number}: value '${rawValue}' is not a number`);
    if (Number.isNaN(time)) throw new Error(`line ${number}: timestamp '${raw}' is not a date`);
    return { raw: raw.trim(), time, value };
  });
  if (options.order !== 'file')
    refuseOutOfOrder(
      points,
      lines.map(({ number }) => number),
    );
  return points;
}

function refuseOutOfOrder(points: readonly CsvPoint[], lineNumbers: readonly number[]): void {
  for (let i = 1; i < points.length; i++) {
    const [before, point] = [points[i - 1]!, points[i]!];
    if (point.time > before.time) continue;
    const what = point.time === before.time ? 'repeats' : 'comes before';
    throw new Error(
      `line ${lineNumbers[i]}: timestamp '${point.raw}' ${what} the previous line's '${before.raw}'; sort the file and drop repeated rows, or pass --file-order to judge the rows in file order as NAB does`,
    );
  }
}
