// Shapes the presentational charts take; pages map query results into them.

/** Series key → legend label and a CSS color (usually `var(--c-…)`). */
export type ChartConfig = Record<
  string,
  {
    label: string;
    color: string;
    filterValue?: string | null;
    /** Drawn as a dashed line over the bars or lines (a comparison, e.g. the previous period), never stacked. */
    overlay?: boolean;
  }
>;

/** One bucket: its start `t` (epoch ms) and a number (or null = unknown) per series key. */
export interface TimePoint {
  t: number;
  [series: string]: number | null;
}

export interface BreakdownDatum {
  /** The dimension value ('' or null = not set). */
  value: string | null;
  label: string;
  requests: number;
  errors: number;
  error_rate: number | null;
}

export interface TimeChartHandlers {
  /** A click on one bucket (start of bucket, and the series under the pointer when known). */
  onBucketClick?: (t: number, seriesKey?: string) => void;
  /** A drag across buckets: [from, to) in epoch ms. */
  onRangeSelect?: (from: number, to: number) => void;
  /** A click on a legend entry. */
  onSeriesClick?: (seriesKey: string) => void;
}

/** An expected band drawn over a count chart: each point's `band_lo`, `band_hi` and `band_mid` (the expected count). */
export interface ChartBand {
  label: string;
}

/** A marked stretch of a time chart (an incident): [x1, x2] are bucket starts of the data, both included. */
export interface ChartMark {
  x1: number;
  x2: number;
  /** Short text drawn on the mark. */
  label: string;
  /** Hover text: what the mark is and where a click goes. */
  title: string;
  onClick: () => void;
}
