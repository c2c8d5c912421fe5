/** A plain-text table for terminal reports: columns padded to their widest cell, the last one left free. */
export function printTable(header: string[], rows: Array<Array<string | number>>, write: (line: string) => void = console.log): void {
  const table = [header, ...rows.map((cells) => cells.map(String))];
  const last = header.length - 1;
  const widths = header.map((_, column) => Math.max(...table.map((cells) => (cells[column] ?? '').length)));
  const format = (cells: string[]) => cells.map((cell, column) => (column < last ? cell.padEnd(widths[column]!) : cell)).join('  ');
  write(format(table[0]!));
  write(widths.map((width, column) => '-'.repeat(column < last ? width : Math.min(width, 40))).join('  '));
  for (const cells of table.slice(1)) write(format(cells));
}
