'use client';
// Observed count per window against the expected band (expected .. top of the band); breaching windows marked.
import { Area, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCount, formatTimeOfDay, formatUtc } from '@/components/ui/format';

export interface BandPoint {
  t: number;
  observed: number;
  expected: number;
  upper: number;
  breach: boolean;
}

export function BandChart({ points, label, height = 240 }: { points: BandPoint[]; label: string; height?: number }) {
  const data = points.map((p) => ({ ...p, band: [p.expected, Math.max(p.upper, p.expected)] as [number, number], hit: p.breach ? p.observed : null }));
  return (
    <figure aria-label={label} style={{ margin: 0 }} data-testid="band-chart">
      <ResponsiveContainer width="100%" height={height}>
        <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={(t: number) => formatTimeOfDay(t)} stroke="var(--muted)" fontSize={12} />
          <YAxis stroke="var(--muted)" fontSize={12} tickFormatter={(v: number) => formatCount(v)} width={48} />
          <Tooltip labelFormatter={(t) => formatUtc(Number(t), { zone: true })} formatter={(v, name) => [Array.isArray(v) ? `${formatCount(v[0])} – ${formatCount(v[1])}` : formatCount(Number(v)), String(name)]} />
          <Area dataKey="band" name="Expected band" stroke="none" fill="var(--c-2xx)" fillOpacity={0.2} isAnimationActive={false} />
          <Line dataKey="expected" name="Expected" stroke="var(--c-2xx)" strokeDasharray="4 3" dot={false} isAnimationActive={false} />
          <Line dataKey="observed" name="Observed" stroke="var(--c-5xx)" strokeWidth={2} dot={false} isAnimationActive={false} />
          <Scatter dataKey="hit" name="Breach" fill="var(--c-5xx)" isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
      <figcaption className="muted" style={{ fontSize: 12 }}>
        Observed per window (red), expected (dashed) and the band above which a window breaches (shaded); dots mark breaches.
      </figcaption>
    </figure>
  );
}
