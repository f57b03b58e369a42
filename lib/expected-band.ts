// The wire shape of GET /api/v1/stats/expected: the overview chart's expected band and its incidents (zod; the
// OpenAPI document and the chart's types come from here). Computed in alerts/expected-band.ts. Server-side only:
// client code imports its types (import type), never its values.
import { z } from 'zod';
import { INTERVALS } from './filters';

const iso = z.string().describe('RFC 3339 UTC time');

const incidentSchema = z.object({
  from: iso,
  to: iso,
  from_ms: z.number().int(),
  to_ms: z.number().int(),
  errors: z.number().int().describe('Errors matching the filters over the stretch.'),
  expected: z.number().describe('Errors the band expected over the stretch.'),
  code: z.string().nullable().describe('The code that rose most above its own usual count (null: none stood out).'),
  code_errors: z.number().int().describe('Errors of that code over the stretch.'),
  also: z
    .array(z.object({ code: z.string(), errors: z.number().int() }))
    .describe('Up to 2 other codes that carried at least 20 % of the rise, with their errors over the stretch.'),
  tiers: z.array(z.string().nullable()).describe('Tiers with at least 5 % of that code\'s errors over the stretch (null: no tier), most errors first.'),
});

export const expectedBandSchema = z.object({
  interval: z.enum(INTERVALS),
  interval_ms: z.number().int(),
  from_ms: z.number().int(),
  to_ms: z.number().int(),
  source: z
    .enum(['seasonal', 'trailing_day', 'none'])
    .describe('seasonal: the same time of week over the last 4 weeks; trailing_day: under 2 weeks of history, the day before stands in; none: too little history for a band.'),
  points: z.array(
    z.object({
      ts_ms: z.number().int(),
      observed: z.number().int().describe('Errors matching the filters in the bucket (the one error-rate rule).'),
      expected: z.number().nullable().describe('Usual errors for this bucket; null without a baseline.'),
      lower: z.number().nullable(),
      upper: z.number().nullable().describe('Top of the band: more errors than this is what the anomaly rules call a breach.'),
    }),
  ),
  incidents: z
    .array(incidentSchema)
    .describe('Stretches observed above the band for at least 10 minutes (one bucket at hour or day buckets), oldest first; at most 8, the largest.'),
});

export type ExpectedBand = z.infer<typeof expectedBandSchema>;
export type ExpectedIncident = ExpectedBand['incidents'][number];
