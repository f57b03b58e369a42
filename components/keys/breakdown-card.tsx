import type { ReactNode } from 'react';
import type { Breakdown } from '@/lib/api-types';
import { BreakdownTable } from '@/components/ui/breakdown-table';
import { Card } from '@/components/ui/card';
import { CsvDownloadButton } from '@/components/ui/csv-download';

export interface BreakdownCardProps {
  id: string;
  title: string;
  subtitle?: string;
  /** Column header for the dimension value. */
  valueLabel: string;
  breakdown: Breakdown;
  csvHref: string;
  /** Where a row leads (a drill-down); null for no link. */
  hrefFor?: (value: string) => string | null;
  /** How to show a value; defaults to the text itself. */
  render?: (value: string) => ReactNode;
  /** Show requests and error rate (meaningless where every row is an error). */
  showRate?: boolean;
}

const noLink = () => null;

/** A key or code page breakdown: the shared breakdown table in a card with "Download CSV" for exactly these filters. */
export function BreakdownCard({ id, title, subtitle, valueLabel, breakdown, csvHref, hrefFor = noLink, render, showRate = true }: BreakdownCardProps) {
  // Without the rate, rows with no errors (successes) say nothing.
  const rows = breakdown.rows.filter((r) => r.errors > 0 || showRate);
  const other = breakdown.other && (showRate || breakdown.other.errors > 0) ? breakdown.other : null;
  return (
    <Card id={id} title={title} subtitle={subtitle} flush actions={<CsvDownloadButton href={csvHref} />}>
      {rows.length === 0 ? (
        <p className="muted" style={{ padding: '6px 12px 12px', margin: 0 }}>
          Nothing in this range.
        </p>
      ) : (
        <BreakdownTable
          caption={title}
          valueHeader={valueLabel}
          rows={rows}
          other={other}
          totalErrors={breakdown.total.errors}
          mode={showRate ? 'rate' : 'errors'}
          hrefFor={hrefFor}
          renderValue={render}
          color="var(--c-5xx)"
          testId={id}
          drillDown
        />
      )}
    </Card>
  );
}
