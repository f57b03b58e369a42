'use client';

import { useRef } from 'react';
import { Area, Bar, CartesianGrid, ComposedChart, Line, LineChart, DefaultZIndexes, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatBucket, formatCount, formatInt, formatPercent, formatUtc } from '@/components/ui/format';
import { ChartLegend } from './chart-legend';
import type { ChartBand, ChartConfig, ChartMark, TimeChartHandlers, TimePoint } from './types';
import { flagRow, type PlacedFlag } from './flag-layout';
import { useRangeSelection } from './use-range-selection';
import styles from './charts.module.css';

export interface TimeChartProps extends TimeChartHandlers {
  data: TimePoint[];
  config: ChartConfig;
  intervalMs: number;
  height?: number;
  /** Accessible description of what the chart shows. */
  label: string;
  /** The expected band, from the points' band_lo / band_hi / band_mid (count charts). */
  band?: ChartBand;
  /** Stretches to mark (incidents), each a click target. */
  marks?: ChartMark[];
}

interface TooltipPayloadItem {
  dataKey?: string | number;
  value?: number | null;
  color?: string;
}

function ChartTooltip({
  active,
  payload,
  label,
  config,
  intervalMs,
  valueFormat,
  band,
}: {
  active?: boolean;
  payload?: readonly TooltipPayloadItem[];
  label?: string | number;
  config: ChartConfig;
  intervalMs: number;
  valueFormat: (v: number | null | undefined) => string;
  band?: ChartBand;
}) {
  if (!active || !payload?.length || label == null) return null;
  const t = Number(label);
  const point = (payload[0] as { payload?: TimePoint }).payload;
  const lo = point?.band_lo;
  const hi = point?.band_hi;
  return (
    <div className={styles.tooltip}>
      <div className={styles.tooltipTitle}>{formatUtc(t, { seconds: false })}</div>
      {band && lo != null && hi != null && (
        <div className={styles.tooltipRow}>
          <span className={`${styles.swatch} ${styles.bandSwatch}`} aria-hidden="true" />
          {band.label}
          <b>
            {formatInt(lo)}–{formatInt(hi)}
          </b>
        </div>
      )}
      {[...payload].filter((p) => config[String(p.dataKey)]).reverse().map((p) => {
        const key = String(p.dataKey);
        const s = config[key];
        return (
          <div key={key} className={styles.tooltipRow}>
            <span className={styles.swatch} style={{ background: s?.color ?? p.color }} aria-hidden="true" />
            {s?.label ?? key}
            <b>{p.value == null ? 'no totals' : valueFormat(p.value)}</b>
          </div>
        );
      })}
      <div className={styles.tooltipHint}>
        {intervalMs >= 3_600_000 ? 'Click to zoom to this bucket' : 'Click to zoom'} · drag to select a range
      </div>
    </div>
  );
}

interface MarkShapeProps {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
}

const FLAG_HEIGHT = 16;

/** An incident's tinted stretch: drawn under the bars, and never a click target (the bars under it stay clickable). */
function MarkTint({ x = 0, y = 0, width = 0, height = 0 }: MarkShapeProps) {
  const w = Math.max(width, 6);
  return <rect x={x + width / 2 - w / 2} y={y} width={w} height={height} className={styles.markArea} />;
}

/**
 * An incident's flag: one click goes to its filtered view. It is drawn above the bars (its own layer), because a
 * stretch's tallest bar reaches the plot's top edge, where the flag hangs, and would take the click.
 */
function MarkFlag({
  x = 0,
  y: top = 0,
  width = 0,
  mark,
  flagLeftward,
  index,
  placed,
}: MarkShapeProps & { mark: ChartMark; flagLeftward: boolean; index: number; placed: PlacedFlag[] }) {
  const w = Math.max(width, 6);
  const left = x + width / 2 - w / 2;
  const flagW = Math.max(w, mark.label.length * 6.6 + 10);
  // A stretch in the right part of the chart hangs its flag to the left, so the label is not cut at the plot's edge.
  const flagX = flagLeftward ? left + w - flagW : left;
  const row = flagRow(placed.slice(0, index), flagX, flagX + flagW);
  placed[index] = { from: flagX, to: flagX + flagW, row };
  const y = top + row * (FLAG_HEIGHT + 2);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the plot is role="img" (children presentational); keyboard and screen-reader users have the same links in the incident list under the chart
    <g
      data-testid="incident-mark"
      className={styles.markFlag}
      // The chart's own press starts a range drag: a press on the flag is the flag's.
      onMouseDown={(e) => e.stopPropagation()}
      onMouseUp={(e) => e.stopPropagation()}
      onClick={(e) => {
        e.stopPropagation();
        mark.onClick();
      }}
    >
      <title>{mark.title}</title>
      <rect x={flagX} y={y} width={flagW} height={FLAG_HEIGHT} rx={2} />
      <text x={flagX + 5} y={y + 12}>
        {mark.label}
      </text>
    </g>
  );
}

function TimeChart({
  kind,
  data,
  config,
  intervalMs,
  height = 220,
  label,
  valueFormat,
  axisFormat,
  onBucketClick,
  onRangeSelect,
  onSeriesClick,
  band,
  marks,
}: TimeChartProps & {
  kind: 'line' | 'bar';
  valueFormat: (v: number | null | undefined) => string;
  axisFormat: (v: number) => string;
}) {
  const { selection, chartProps, onItemClick } = useRangeSelection(intervalMs, { onBucketClick, onRangeSelect });
  // Each flag learns its pixel extent only as Recharts draws it: flags drawn earlier record theirs here, so a later
  // flag that would overlap one drops to the next row instead of hiding it.
  const placedFlags = useRef<PlacedFlag[]>([]);
  placedFlags.current.length = marks?.length ?? 0;
  const keys = Object.keys(config);
  const common = {
    data,
    margin: { top: 8, right: 8, bottom: 0, left: 0 },
    ...chartProps,
  };
  const axes = (
    <>
      <CartesianGrid vertical={false} stroke="var(--chart-grid)" />
      <XAxis
        dataKey="t"
        tickFormatter={(v: number) => formatBucket(v, intervalMs)}
        tick={{ fill: 'var(--text-muted)', fontSize: 11 }}
        stroke="var(--border-strong)"
        minTickGap={24}
      />
      <YAxis
        tickFormatter={axisFormat}
        tick={{ fill: 'var(--text-muted)', fontSize: 11 }}
        stroke="var(--border-strong)"
        width={48}
        allowDecimals={kind === 'line'}
      />
      <Tooltip
        cursor={kind === 'bar' ? { fill: 'var(--chart-select)' } : { stroke: 'var(--border-strong)' }}
        content={(p) => (
          <ChartTooltip
            active={p.active}
            payload={p.payload as readonly TooltipPayloadItem[] | undefined}
            label={p.label}
            config={config}
            intervalMs={intervalMs}
            valueFormat={valueFormat}
            band={band}
          />
        )}
        isAnimationActive={false}
      />
      {selection && <ReferenceArea x1={selection.x1} x2={selection.x2} fill="var(--chart-select)" strokeOpacity={0} />}
    </>
  );
  return (
    <div className={styles.frame} data-testid={`chart-${kind}`}>
      <div className={styles.plot} role="img" aria-label={label} style={{ height }}>
        <ResponsiveContainer width="100%" height="100%" minWidth={0}>
          {kind === 'line' ? (
            <LineChart {...common}>
              {axes}
              {keys.map((k) => (
                <Line
                  key={k}
                  dataKey={k}
                  name={config[k].label}
                  stroke={config[k].color}
                  strokeWidth={config[k].overlay ? 1.5 : 2}
                  strokeDasharray={config[k].overlay ? '5 4' : undefined}
                  dot={false}
                  activeDot={{ r: 4 }}
                  connectNulls={false}
                  isAnimationActive={false}
                  type="linear"
                />
              ))}
            </LineChart>
          ) : (
            <ComposedChart {...common} barCategoryGap={1}>
              {axes}
              {band && (
                <Area
                  dataKey={(d: TimePoint) => (d.band_lo == null || d.band_hi == null ? null : [d.band_lo, d.band_hi])}
                  name={band.label}
                  type="step"
                  fill="var(--chart-band)"
                  stroke="none"
                  activeDot={false}
                  isAnimationActive={false}
                  connectNulls={false}
                />
              )}
              {keys.map((k) =>
                config[k].overlay ? (
                  <Line
                    key={k}
                    dataKey={k}
                    name={config[k].label}
                    stroke={config[k].color}
                    strokeWidth={1.5}
                    strokeDasharray="5 4"
                    dot={false}
                    activeDot={false}
                    connectNulls={false}
                    isAnimationActive={false}
                    type="stepAfter"
                  />
                ) : (
                <Bar
                  key={k}
                  dataKey={k}
                  name={config[k].label}
                  stackId="s"
                  fill={config[k].color}
                  isAnimationActive={false}
                  onClick={(entry: { payload?: TimePoint }) => {
                    if (entry?.payload) onItemClick(entry.payload.t, k);
                  }}
                />
                ),
              )}
              {band && (
                <Line
                  dataKey="band_hi"
                  name={band.label}
                  stroke="var(--chart-band-edge)"
                  strokeWidth={1.5}
                  strokeDasharray="3 3"
                  dot={false}
                  activeDot={false}
                  connectNulls={false}
                  isAnimationActive={false}
                  type="step"
                />
              )}
              {marks?.map((m, index) => {
                const flagLeftward = data.length > 1 && m.x1 > data[0].t + (data[data.length - 1].t - data[0].t) * 0.7;
                return [
                  <ReferenceArea
                    key={`tint-${m.x1}-${m.x2}`}
                    x1={m.x1}
                    x2={m.x2}
                    ifOverflow="visible"
                    shape={(p: MarkShapeProps) => <MarkTint {...p} />}
                  />,
                  <ReferenceArea
                    key={`flag-${m.x1}-${m.x2}`}
                    x1={m.x1}
                    x2={m.x2}
                    ifOverflow="visible"
                    zIndex={DefaultZIndexes.activeDot}
                    shape={(p: MarkShapeProps) => (
                      <MarkFlag {...p} mark={m} flagLeftward={flagLeftward} index={index} placed={placedFlags.current} />
                    )}
                  />,
                ];
              })}
            </ComposedChart>
          )}
        </ResponsiveContainer>
      </div>
      <ChartLegend config={config} onSeriesClick={onSeriesClick} />
    </div>
  );
}

/** Error rate (0..1) per bucket; null buckets (errors but no totals) are gaps, never interpolated. */
export function ErrorRateChart(props: TimeChartProps) {
  return (
    <TimeChart
      {...props}
      kind="line"
      valueFormat={formatPercent}
      axisFormat={(v) => formatPercent(v).replace(' ', '')}
    />
  );
}

/** Error counts per bucket, stacked by series (status class, code, tier…). */
export function StackedCountChart(props: TimeChartProps) {
  return <TimeChart {...props} kind="bar" valueFormat={formatInt} axisFormat={formatCount} />;
}
