// The explorer's columns: ids as they appear in the `cols` URL param, in display order.
export const EXPLORER_COLUMNS = [
  { id: 'time', label: 'Time (UTC)' },
  { id: 'request_id', label: 'Request id' },
  { id: 'status', label: 'Status' },
  { id: 'code', label: 'Code' },
  { id: 'kind', label: 'Kind' },
  { id: 'reason', label: 'Reason' },
  { id: 'route', label: 'Endpoint' },
  { id: 'method', label: 'Method' },
  { id: 'path', label: 'Path' },
  { id: 'key_id', label: 'Key' },
  { id: 'account_id', label: 'Account' },
  { id: 'tier', label: 'Tier' },
  { id: 'latency_ms', label: 'Latency' },
  { id: 'message', label: 'Message' },
] as const;
export type ExplorerColumn = (typeof EXPLORER_COLUMNS)[number]['id'];

export const DEFAULT_COLUMNS: ExplorerColumn[] = ['time', 'request_id', 'status', 'code', 'route', 'key_id', 'tier', 'message'];

const IDS = new Set<string>(EXPLORER_COLUMNS.map((c) => c.id));

/** `cols=time,status,…` → known columns in display order; missing or empty → the defaults. */
export function parseColumns(v: string | string[] | undefined): ExplorerColumn[] {
  const raw = (Array.isArray(v) ? v.join(',') : (v ?? '')).split(',').filter((c) => IDS.has(c));
  if (!raw.length) return DEFAULT_COLUMNS;
  const chosen = new Set(raw);
  return EXPLORER_COLUMNS.map((c) => c.id).filter((id) => chosen.has(id));
}

/** The export's columns for the chosen table columns, in the table's order (the time column is `ts`). */
export function csvColumnsOf(columns: readonly ExplorerColumn[]): string {
  return columns.map((c) => (c === 'time' ? 'ts' : c)).join(',');
}

export const PAGE_SIZES = [25, 50, 100, 200] as const;
export const DEFAULT_PAGE_SIZE = 50;
