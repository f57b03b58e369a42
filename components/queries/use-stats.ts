'use client';

import { keepPreviousData, useQuery, type DefinedUseQueryResult } from '@tanstack/react-query';
import type { Breakdown, FilterValues, Summary, Timeseries } from '@/lib/api-types';
import type { ExpectedBand } from '@/lib/expected-band';
import { fetchJson } from './query-client';
import { queryKeys } from './query-keys';

export interface LiveOptions<T> {
  /** The server-rendered answer for this key (every filter change renders a new one, so no placeholder is needed). */
  initialData: T;
  /** Epoch ms the server read initialData. */
  initialDataUpdatedAt: number;
  /** Refresh period in ms, or false for a closed range (its data cannot change). */
  refetchInterval: number | false;
}

// initialData is always given, so data is always defined; TypeScript cannot see it through the generic T.
function useLive<T>(key: readonly unknown[], path: string, opts: LiveOptions<T>): DefinedUseQueryResult<T, Error> {
  return useQuery<T>({
    queryKey: key,
    queryFn: ({ signal }) => fetchJson<T>(path, signal),
    initialData: opts.initialData,
    initialDataUpdatedAt: opts.initialDataUpdatedAt,
    refetchInterval: opts.refetchInterval,
    refetchIntervalInBackground: false,
    // The server answer is fresh; refetch only on the live interval.
    staleTime: opts.refetchInterval === false ? Infinity : opts.refetchInterval,
  }) as DefinedUseQueryResult<T, Error>;
}

/** KPIs with the previous period: GET /api/v1/stats/summary?{filters}. */
export function useSummary(query: string, opts: LiveOptions<Summary>) {
  return useLive(queryKeys.stats.summary(query), `/api/v1/stats/summary?${query}`, opts);
}

/** Zero-filled series: GET /api/v1/stats/timeseries?{filters}&interval&by. */
export function useTimeseries(query: string, opts: LiveOptions<Timeseries>) {
  return useLive(queryKeys.stats.timeseries(query), `/api/v1/stats/timeseries?${query}`, opts);
}

/** One breakdown: GET /api/v1/stats/breakdown?{filters}&by&limit. */
export function useBreakdown(query: string, opts: LiveOptions<Breakdown>) {
  return useLive(queryKeys.stats.breakdown(query), `/api/v1/stats/breakdown?${query}`, opts);
}

/** The errors series' expected band and incidents: GET /api/v1/stats/expected?{filters}&interval (null: none yet). */
export function useExpectedBand(query: string, opts: LiveOptions<ExpectedBand | null>) {
  return useLive(queryKeys.stats.expected(query), `/api/v1/stats/expected?${query}`, opts);
}

/** Values offered for a filter field as the user types: GET /api/v1/stats/values?{filters}&field&q. Off while `enabled` is false. */
export function useFilterValues(query: string, enabled: boolean) {
  return useQuery<FilterValues>({
    queryKey: queryKeys.stats.values(query),
    queryFn: ({ signal }) => fetchJson<FilterValues>(`/api/v1/stats/values?${query}`, signal),
    enabled,
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  });
}
