'use client';

import Link from 'next/link';
import { hrefWith, withParam, withoutParam, withRange } from '@/components/filters/url-params';
import { Card } from '@/components/ui/card';
import { formatInt, formatUtc } from '@/components/ui/format';
import type { ExpectedBand, ExpectedIncident } from '@/lib/expected-band';
import { MINUTE_ZOOM_MAX_MS } from './overview-config';
import styles from './overview.module.css';

/** ISO without milliseconds: readable in a shared link. */
export function isoParam(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** The range [from, to); a short one goes straight to minute buckets. */
export function zoomTo(q: URLSearchParams, from: number, to: number): URLSearchParams {
  const next = withRange(q, isoParam(from), isoParam(to));
  return to - from <= MINUTE_ZOOM_MAX_MS ? withParam(next, 'interval', 'minute') : withoutParam(next, 'interval');
}

/** The view of one incident: its window, narrowed to its code. */
export function incidentQuery(q: URLSearchParams, inc: Pick<ExpectedIncident, 'from_ms' | 'to_ms' | 'code'>): URLSearchParams {
  const next = zoomTo(q, inc.from_ms, inc.to_ms);
  return inc.code ? withParam(next, 'code', inc.code) : next;
}

/** What the chart says about where its band comes from. */
export function bandSourceNote(source: ExpectedBand['source']): string {
  if (source === 'seasonal') return 'Band: usual errors for this hour of the week (last 4 weeks, top 10 % dropped).';
  if (source === 'trailing_day') return 'Band: under 2 weeks of history, so the trailing day stands in for the same hour of past weeks.';
  return 'No band yet: too little history to tell what is usual.';
}

export function incidentWindow(inc: ExpectedIncident): string {
  const sameDay = inc.from.slice(0, 10) === new Date(inc.to_ms - 1).toISOString().slice(0, 10);
  const end = sameDay ? formatUtc(inc.to_ms, { seconds: false }).slice(11) : formatUtc(inc.to_ms, { seconds: false });
  return `${formatUtc(inc.from_ms, { seconds: false, zone: false })}–${end}`;
}

function tiersText(tiers: (string | null)[]): string {
  if (!tiers.length) return 'no tier';
  const names = tiers.map((t) => t ?? '(no tier)');
  return `${names.length === 1 ? 'tier' : 'tiers'} ${names.join(', ')}`;
}

/** One line per incident, in words: what, when, how many against the usual, who; links to the filtered views. */
export function incidentSentence(inc: ExpectedIncident): string {
  const what = inc.code ? `${formatInt(inc.code_errors)} ${inc.code}` : `${formatInt(inc.errors)} errors`;
  const also = inc.also.length ? `; ${inc.also.map((a) => `${formatInt(a.errors)} ${a.code}`).join(' and ')} rose too` : '';
  return `${what} ${incidentWindow(inc)} (${formatInt(inc.errors)} errors against about ${formatInt(Math.round(inc.expected))} usual), ${tiersText(inc.tiers)}${also}`;
}

export function OverviewIncidents({
  incidents,
  note,
  pageQuery,
  filterQuery,
}: {
  incidents: ExpectedIncident[];
  /** Where the band comes from (seasonal or the trailing day). */
  note: string;
  /** The page's own query (by, compare… kept for the overview link). */
  pageQuery: string;
  /** The filters only (the explorer takes no chart parameters). */
  filterQuery: string;
}) {
  return (
    <Card title="Unusual stretches" subtitle="errors above the expected band for 10 minutes or more">
      {incidents.length === 0 ? (
        <p className={styles.incidentNone} data-testid="incidents-none">
          Nothing unusual in this range: the errors stayed within their band. {note}
        </p>
      ) : (
        <>
          <ul className={styles.incidents} data-testid="incidents">
            {incidents.map((inc) => (
              <li key={`${inc.from_ms}-${inc.to_ms}`} data-testid="incident">
                <span>{incidentSentence(inc)}.</span>{' '}
                <Link href={hrefWith('/', withoutParam(incidentQuery(new URLSearchParams(pageQuery), inc), 'compare'))} data-testid="incident-overview">
                  Overview of it
                </Link>
                {' · '}
                <Link href={hrefWith('/errors', withoutParam(incidentQuery(new URLSearchParams(filterQuery), inc), 'interval'))} data-testid="incident-rows">
                  Its rows
                </Link>
                {inc.also.map((a) => (
                  <span key={a.code}>
                    {' · '}
                    <Link href={hrefWith('/', withoutParam(incidentQuery(new URLSearchParams(pageQuery), { ...inc, code: a.code }), 'compare'))} data-testid="incident-also">
                      {a.code} over the same window
                    </Link>
                  </span>
                ))}
              </li>
            ))}
          </ul>
          <p className={styles.incidentNone}>{note}</p>
        </>
      )}
    </Card>
  );
}
