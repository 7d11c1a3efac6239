import type { Cell, StatsTable } from './stats-tables';

/** The UTF-8 byte order mark: without it Excel reads UTF-8 CSV as the ANSI code page and garbles Vietnamese. */
export const UTF8_BOM = '\uFEFF';

/**
 * Text a spreadsheet would run as a formula (= + - @, tab, CR) is prefixed with an apostrophe
 * (OWASP "CSV injection"); numbers are written as numbers.
 */
function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const s = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV (comma, CRLF, quotes doubled) with a BOM, header row first. */
export function toCsv(table: Pick<StatsTable, 'columns' | 'rows'>): string {
  const lines = [table.columns, ...table.rows].map((row) => row.map(csvCell).join(','));
  return `${UTF8_BOM}${lines.join('\r\n')}\r\n`;
}
