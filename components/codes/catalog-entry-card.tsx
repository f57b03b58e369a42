import { CAPACITY_REASONS, CAPACITY_REASON_INFO, KIND_LABELS, type CatalogEntry } from '@/lib/catalog';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import styles from '@/components/keys/entity.module.css';

const DETAIL_MEANING: Record<string, string> = {
  field: 'the field that failed',
  retry_after: 'seconds to wait before retrying',
  used: 'how much was used',
  limit: 'the cap that applies',
  reason: 'which of the three capacity limits was hit',
};

/** The reference's entry for a code, in plain words; for an unknown code, says so. */
export function CatalogEntryCard({ code, entry }: { code: string; entry: CatalogEntry | undefined }) {
  if (!entry) {
    return (
      <Card id="catalog-entry" title="Error reference">
        <p style={{ margin: 0 }}>
          <Badge tone="warn">Unknown code</Badge> <code>{code}</code> is not in the error reference. The API may have added it since;
          records with it are stored and flagged, never dropped. Read their messages for the cause.
        </p>
      </Card>
    );
  }
  return (
    <Card id="catalog-entry" title="Error reference" subtitle={`${entry.family === '5xx' ? '5xx' : entry.status} · ${entry.title}`}>
      <dl className={styles.catalog}>
        <dt>Kind</dt>
        <dd>{KIND_LABELS[entry.kind]}</dd>
        <dt>Status</dt>
        <dd>{entry.family === '5xx' ? 'any 5xx (usually ' + entry.status + ')' : entry.status}</dd>
        <dt>Cause</dt>
        <dd>{entry.cause}</dd>
        <dt>Fix</dt>
        <dd>{entry.fix}</dd>
        <dt>Details</dt>
        <dd>
          {entry.details.length
            ? entry.details.map((d, i) => (
                <span key={d}>
                  {i ? ', ' : ''}
                  <code>{d}</code> ({DETAIL_MEANING[d]})
                </span>
              ))
            : 'none'}
        </dd>
        <dt>Reply</dt>
        <dd>{entry.reply}</dd>
      </dl>
      {entry.code === 'capacity_exceeded' ? (
        <>
          <h3 style={{ margin: '12px 0 6px' }}>The three reasons</h3>
          <ul className={styles.reasons}>
            {CAPACITY_REASONS.map((r) => (
              <li key={r}>
                <strong>{CAPACITY_REASON_INFO[r].label}</strong> <code className="muted">{r}</code>
                <p>{CAPACITY_REASON_INFO[r].fix}</p>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Card>
  );
}
