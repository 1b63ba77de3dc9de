/**
 * Normalizes SQL into a fingerprint that groups queries by shape and never carries data:
 * string literals, numbers, parameters and IN/VALUES lists become `?`, comments go, whitespace
 * folds, keywords are upper-cased. The parameters themselves are never read.
 */
export function fingerprint(sql: string): string {
  return sql
    .replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^'\\]|\\.|'')*'/g, '?')
    .replace(/"(?:[^"\\]|\\.)*"(?=\s*(?:,|\)|$|\s+(?:AND|OR|THEN|ELSE|END)\b))/gi, '?') // MySQL double-quoted strings
    .replace(/\$\d+|:\w+|@\w+/g, '?')
    .replace(/\b0x[0-9a-f]+\b/gi, '?')
    .replace(/(?<![\w.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, '?')
    .replace(/\b(IN|VALUES)\s*\(\s*\?(?:\s*,\s*\?)*\s*\)/gi, (_, keyword: string) => `${keyword.toUpperCase()} (?)`)
    .replace(/\)\s*,\s*\(\s*\?(?:\s*,\s*\?)*\s*\)/g, ')')
    .replace(/\s+/g, ' ')
    .replace(
      /\b(select|insert|update|delete|from|where|into|values|set|and|or|in|join|left|right|inner|outer|on|order|group|by|limit|offset|returning|as|not|null|is|like|having|union|all|distinct|case|when|then|else|end|with|begin|commit|rollback)\b/gi,
      (k) => k.toUpperCase(),
    )
    .trim()
    .slice(0, 120);
}

const QUERY_TYPES = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'UPSERT',
  'MERGE',
  'CREATE',
  'ALTER',
  'DROP',
  'TRUNCATE',
  'BEGIN',
  'COMMIT',
  'ROLLBACK',
  'CALL',
  'SHOW',
  'SET',
  'EXPLAIN',
];

export function queryType(sql: string): string {
  const first = /^\s*(?:\/\*[\s\S]*?\*\/\s*|--[^\n]*\n\s*)*(?:WITH\b[\s\S]*?\)\s*)?([a-z]+)/i.exec(sql)?.[1]?.toUpperCase() ?? 'OTHER';
  return QUERY_TYPES.includes(first) ? first : 'OTHER';
}

/** The first table a statement reads or writes (FROM, INTO, UPDATE, JOIN), without schema quoting. */
export function tableOf(sql: string): string {
  const match = /\b(?:FROM|INTO|UPDATE|JOIN|TABLE)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?([`"[]?[\w.]+[`"\]]?)/i.exec(sql);
  return match
    ? match[1]!
        .replace(/[`"[\]]/g, '')
        .toLowerCase()
        .slice(0, 64)
    : 'unknown';
}
