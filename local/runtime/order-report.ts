/** The per-order table `npm start` and `npm run sync` print: what happened to each order, and why. */
import { printTable } from './print-table.ts';
import type { LedgerEntry } from '../../functions/core/ports.ts';

export interface OrderReportRow {
  orderId: number;
  /** The order's ledger entry; undefined when the order never reached the worker. */
  entry: LedgerEntry | undefined;
  /** Lines on the NetSuite sales order, when known. */
  lines?: number;
  /** What the order demonstrates (the demo store's notes). */
  note?: string;
  /** Override the result and detail columns (e.g. a dry run's plan). */
  result?: string;
  detail?: string;
}

export function resultOf(row: OrderReportRow): string {
  if (row.result) return row.result;
  switch (row.entry?.state) {
    case 'synced':
      return 'synced';
    case 'reconciled':
      return 'reconciled';
    case 'synced_with_drift':
      return 'synced with drift';
    case 'skipped':
      return 'skipped';
    case 'failed':
      return 'failed';
    case 'in_progress':
      return 'in progress';
    default:
      return 'not processed';
  }
}

function detailOf(row: OrderReportRow): string {
  if (row.detail) return row.detail;
  const entry = row.entry;
  if (!entry) return 'no record of this order in the ledger';
  const attempts = `${entry.attempts} attempt${entry.attempts === 1 ? '' : 's'}`;
  switch (entry.state) {
    case 'synced_with_drift':
      return (entry.drift ?? []).map((part) => part.cause).join('; ') || 'NetSuite totals differ';
    case 'synced':
    case 'reconciled':
      return [
        row.lines === undefined ? undefined : `${row.lines} line${row.lines === 1 ? '' : 's'}`,
        attempts,
        entry.writeBackDone ? 'id written back' : 'write-back pending',
      ]
        .filter(Boolean)
        .join(', ');
    case 'skipped':
      return entry.skipReason ?? 'skipped';
    default:
      return `${entry.lastErrorMessage ?? 'no error recorded'} (${attempts})`;
  }
}

export function printOrderReport(rows: OrderReportRow[], write: (line: string) => void = console.log): void {
  const notes = rows.some((row) => row.note);
  printTable(
    ['Order', ...(notes ? ['Shows'] : []), 'Result', 'Sales order', 'Detail'],
    rows.map((row) => [row.orderId, ...(notes ? [row.note ?? ''] : []), resultOf(row), row.entry?.salesOrderId ?? '', detailOf(row)]),
    write,
  );
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(resultOf(row), (counts.get(resultOf(row)) ?? 0) + 1);
  write(`\n${[...counts].map(([result, count]) => `${count} ${result}`).join(', ')}`);
}
