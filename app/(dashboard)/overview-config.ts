// What the overview shows: chart groupings and breakdown cards, and how a value maps back to a URL filter.
import type { BreakdownDimension } from '@/lib/filters';

export const OVERVIEW_BY = ['status_class', 'code', 'tier', 'reason'] as const;
export type OverviewBy = (typeof OVERVIEW_BY)[number];
export const OVERVIEW_BY_LABELS: Record<OverviewBy, string> = {
  status_class: 'Status class',
  code: 'Code',
  tier: 'Tier',
  reason: 'Reason',
};

export function parseOverviewBy(v: string | string[] | undefined): OverviewBy {
  const s = Array.isArray(v) ? v[0] : v;
  return OVERVIEW_BY.includes(s as OverviewBy) ? (s as OverviewBy) : 'status_class';
}

/** The filter param a dimension value narrows (status classes filter `status=5xx`). */
export const FILTER_PARAM: Partial<Record<BreakdownDimension, string>> = {
  status: 'status',
  status_class: 'status',
  code: 'code',
  tier: 'tier',
  key: 'key',
  account: 'account',
  route: 'route',
  method: 'method',
  reason: 'reason',
};

export interface BreakdownCardSpec {
  by: BreakdownDimension;
  title: string;
  valueHeader: string;
  limit: number;
}

export const OVERVIEW_BREAKDOWNS: BreakdownCardSpec[] = [
  { by: 'status', title: 'By status', valueHeader: 'Status', limit: 12 },
  { by: 'code', title: 'By code', valueHeader: 'Code', limit: 10 },
  { by: 'route', title: 'By endpoint', valueHeader: 'Endpoint', limit: 10 },
  { by: 'key', title: 'By key', valueHeader: 'Key', limit: 10 },
  { by: 'tier', title: 'By tier', valueHeader: 'Tier', limit: 10 },
  { by: 'reason', title: 'capacity_exceeded by reason', valueHeader: 'Reason', limit: 10 },
];

export const LIVE_REFRESH_MS = 30_000;
export const SERIES_LIMIT = 8;

/** A drag-zoom up to this long goes straight to minute buckets (`interval=minute` in the URL). */
export const MINUTE_ZOOM_MAX_MS = 24 * 3_600_000;

/** The series interval the URL asks for: minute after a short zoom, else chosen from the range. */
export function parseOverviewInterval(v: string | string[] | undefined): 'auto' | 'minute' {
  return (Array.isArray(v) ? v[0] : v) === 'minute' ? 'minute' : 'auto';
}
