import type { Summary } from '@/lib/api-types';
import { formatCount, formatPercent } from '@/components/ui/format';
import { Kpi, KpiGrid } from '@/components/ui/kpi';
import { AllFailedNotice, NoTotalsNotice } from '@/components/ui/states';

/** Requests, errors, error rate and 5xx for this view, each against the previous period of the same length. */
export function SummaryKpis({ summary, errorsOnly = false }: { summary: Summary; errorsOnly?: boolean }) {
  const s = summary;
  return (
    <>
      {s.no_totals && !errorsOnly ? <NoTotalsNotice /> : null}
      {s.all_failed && !errorsOnly ? <AllFailedNotice requests={s.all_failed.requests} sinceMs={s.all_failed.since_ms} /> : null}
      <KpiGrid>
        {errorsOnly ? (
          <Kpi label="Keys affected" value={formatCount(s.keys_with_errors.value)} current={s.keys_with_errors.value} previous={s.keys_with_errors.previous} higherIsBad />
        ) : (
          <Kpi label="Requests" value={formatCount(s.requests.value)} current={s.requests.value} previous={s.requests.previous} />
        )}
        <Kpi label="Errors" value={formatCount(s.errors.value)} current={s.errors.value} previous={s.errors.previous} higherIsBad />
        {errorsOnly ? (
          <Kpi label="4xx errors" value={formatCount(s.errors_4xx.value)} current={s.errors_4xx.value} previous={s.errors_4xx.previous} higherIsBad />
        ) : (
          <Kpi
            label="Error rate"
            value={s.no_totals ? 'unknown' : formatPercent(s.error_rate.value)}
            current={s.no_totals ? null : s.error_rate.value}
            previous={s.previous_no_totals ? null : s.error_rate.previous}
            higherIsBad
            deltaFormat="points"
          />
        )}
        <Kpi label="5xx errors" value={formatCount(s.errors_5xx.value)} current={s.errors_5xx.value} previous={s.errors_5xx.previous} higherIsBad />
      </KpiGrid>
    </>
  );
}
