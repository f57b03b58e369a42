import Link from 'next/link';
import type { IdempotencyChain as ChainData } from '@/lib/api-types';
import { Badge, CodeBadge, StatusBadge, type Tone } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { formatUtc } from '@/components/ui/format';
import { DataTable, tableClasses } from '@/components/ui/table';
import { gap } from './format';


const ROLE: Record<ChainData['steps'][number]['role'], [string, Tone]> = {
  created: ['Created', 'ok'],
  failed: ['Failed', 'warn'],
  replayed: ['Replayed', 'info'],
  in_progress: ['Still in progress (409)', 'warn'],
  mismatch: ['Other body (422)', 'err'],
  different_body: ['Other body', 'err'],
  retried: ['Sent again', 'outline'],
};

/** Every request that used one Idempotency-Key, in order, with the reading in plain words. */
export function IdempotencyChain({ chain }: { chain: ChainData }) {
  return (
    <Card id="idempotency-chain" title="Chain" subtitle={`${chain.counts.requests} requests${chain.truncated ? ' (the first 1,000)' : ''}`} flush>
      <p style={{ padding: '8px 12px', margin: 0 }} data-testid="chain-summary">
        {chain.summary}
      </p>
      {chain.flags.reused_with_different_body || chain.flags.in_progress_retry_too_fast ? (
        <p style={{ padding: '0 12px 8px', margin: 0, display: 'flex', gap: 6 }} data-testid="chain-flags">
          {chain.flags.reused_with_different_body ? <Badge tone="err">Reused with a different body</Badge> : null}
          {chain.flags.in_progress_retry_too_fast ? <Badge tone="warn">Retried in progress too fast</Badge> : null}
        </p>
      ) : null}
      <DataTable caption="Requests that used this idempotency key" testId="chain-steps">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Request id</th>
            <th scope="col">Time (UTC)</th>
            <th scope="col" className={tableClasses.right}>
              After previous
            </th>
            <th scope="col">Status</th>
            <th scope="col">Code</th>
            <th scope="col">Body fingerprint</th>
            <th scope="col">Replayed</th>
            <th scope="col">Reading</th>
          </tr>
        </thead>
        <tbody>
          {chain.steps.map((s, i) => (
            <tr key={`${s.request_id}|${s.code}`}>
              <td className="num">{i + 1}</td>
              <td>
                <Link href={`/requests/${encodeURIComponent(s.request_id)}`} className="mono">
                  {s.request_id}
                </Link>
              </td>
              <td className="num">{formatUtc(s.ts_ms, { seconds: true })}</td>
              <td className={`num ${tableClasses.right}`}>{gap(s.gap_ms)}</td>
              <td>
                <StatusBadge status={s.status} />
              </td>
              <td>{s.code ? <CodeBadge code={s.code} /> : <span className="muted">—</span>}</td>
              <td className="mono">{s.request_fingerprint ?? '—'}</td>
              <td>{s.idempotent_replayed === null ? '—' : s.idempotent_replayed ? 'yes' : 'no'}</td>
              <td>
                <Badge tone={ROLE[s.role][1]}>{ROLE[s.role][0]}</Badge>
              </td>
            </tr>
          ))}
        </tbody>
      </DataTable>
    </Card>
  );
}
