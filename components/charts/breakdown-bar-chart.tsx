'use client';

import { Bar, BarChart, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCount, formatInt, formatPercent } from '@/components/ui/format';
import type { BreakdownDatum } from './types';
import styles from './charts.module.css';

export interface BreakdownBarChartProps {
  data: BreakdownDatum[];
  metric?: 'errors' | 'requests';
  color?: string | ((d: BreakdownDatum) => string);
  label: string;
  /** A click on a bar: the dimension value (never called for the "not set" bar). */
  onBarClick?: (value: string) => void;
}

/** Horizontal bars, one per dimension value, sorted as given. */
export function BreakdownBarChart({ data, metric = 'errors', color = 'var(--c-5xx)', label, onBarClick }: BreakdownBarChartProps) {
  const height = Math.max(60, data.length * 24 + 8);
  const colorOf = (d: BreakdownDatum) => (typeof color === 'function' ? color(d) : color);
  return (
    <div className={styles.frame} role="img" aria-label={label} style={{ height }}>
      <ResponsiveContainer width="100%" height="100%" minWidth={0}>
        <BarChart data={data} layout="vertical" margin={{ top: 0, right: 12, bottom: 0, left: 0 }} barCategoryGap={3}>
          <XAxis type="number" hide />
          <YAxis
            type="category"
            dataKey="label"
            width={150}
            tick={{ fill: 'var(--text-muted)', fontSize: 11 }}
            tickLine={false}
            axisLine={false}
            interval={0}
            tickFormatter={(v: string) => (v.length > 24 ? `${v.slice(0, 23)}…` : v)}
          />
          <Tooltip
            cursor={{ fill: 'var(--chart-select)' }}
            isAnimationActive={false}
            content={(p) => {
              const d = p.payload?.[0]?.payload as BreakdownDatum | undefined;
              if (!p.active || !d) return null;
              return (
                <div className={styles.tooltip}>
                  <div className={styles.tooltipTitle}>{d.label}</div>
                  <div className={styles.tooltipRow}>
                    Errors <b>{formatInt(d.errors)}</b>
                  </div>
                  <div className={styles.tooltipRow}>
                    Requests <b>{formatInt(d.requests)}</b>
                  </div>
                  <div className={styles.tooltipRow}>
                    Error rate <b>{d.error_rate == null ? 'no totals' : formatPercent(d.error_rate)}</b>
                  </div>
                  {onBarClick && d.value && <div className={styles.tooltipHint}>Click to filter</div>}
                </div>
              );
            }}
          />
          <Bar
            dataKey={metric}
            isAnimationActive={false}
            radius={[0, 3, 3, 0]}
            onClick={(entry: { payload?: BreakdownDatum }) => {
              const v = entry?.payload?.value;
              if (v && onBarClick) onBarClick(v);
            }}
            className={onBarClick ? styles.barRow : undefined}
            label={{ position: 'right', fill: 'var(--text-muted)', fontSize: 11, formatter: (v: unknown) => formatCount(Number(v)) }}
          >
            {data.map((d) => (
              <Cell key={d.value ?? ''} fill={colorOf(d)} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
