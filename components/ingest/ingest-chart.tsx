'use client';

import { StackedCountChart } from '@/components/charts/time-chart';
import type { ChartConfig, TimePoint } from '@/components/charts/types';
import { useFilterNavigation } from '@/components/filters/use-filter-navigation';
import { withParam, withRange } from '@/components/filters/url-params';

const HOUR_MS = 3_600_000;

/** Hourly stacked counts; a click zooms to the hour, a drag to the range, a legend click (token series) filters to it. */
export function IngestChart({ data, config, label, tokenSeries = false }: { data: TimePoint[]; config: ChartConfig; label: string; tokenSeries?: boolean }) {
  const { navigate } = useFilterNavigation();
  const zoom = (from: number, to: number) => navigate((q) => withRange(q, new Date(from).toISOString(), new Date(to).toISOString()));
  return (
    <StackedCountChart
      data={data}
      config={config}
      intervalMs={HOUR_MS}
      label={label}
      height={200}
      onBucketClick={(t) => zoom(t, t + HOUR_MS)}
      onRangeSelect={zoom}
      onSeriesClick={
        tokenSeries
          ? (key) => {
              const v = config[key]?.filterValue;
              if (v) navigate((q) => withParam(q, 'token', v));
            }
          : undefined
      }
    />
  );
}
