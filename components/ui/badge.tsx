import Link from 'next/link';
import type { ReactNode } from 'react';
import { CAPACITY_REASON_INFO, KIND_LABELS, getCatalogEntry, kindOf, type CapacityReason, type ErrorKind } from '@/lib/catalog';
import styles from './ui.module.css';

export type Tone = 'ok' | 'warn' | 'err' | 'info' | 'outline';

const TONE: Record<Tone, string> = {
  ok: styles.badgeOk,
  warn: styles.badgeWarn,
  err: styles.badgeErr,
  info: styles.badgeInfo,
  outline: styles.badgeOutline,
};

export function Badge({ tone = 'info', children, title, mono }: { tone?: Tone; children: ReactNode; title?: string; mono?: boolean }) {
  return (
    <span className={`${styles.badge} ${TONE[tone]} ${mono ? styles.codeBadge : ''}`} title={title}>
      {children}
    </span>
  );
}

export function statusTone(status: number): Tone {
  if (status >= 500) return 'err';
  if (status >= 400) return 'warn';
  if (status >= 200 && status < 400) return 'ok';
  return 'info';
}

export function StatusBadge({ status }: { status: number }) {
  return <Badge tone={statusTone(status)}>{status}</Badge>;
}

/** A status class value as the API reports it ("5xx", "4xx", "2xx"). */
export function StatusClassBadge({ value }: { value: string }) {
  const tone: Tone = value.startsWith('5') ? 'err' : value.startsWith('4') ? 'warn' : value.startsWith('2') || value.startsWith('3') ? 'ok' : 'info';
  return <Badge tone={tone}>{value}</Badge>;
}

/** An error code; known codes carry their title as a tooltip, unknown ones are flagged. */
export function CodeBadge({ code, link = false }: { code: string | null; link?: boolean }) {
  if (!code) return <span className="muted">—</span>;
  const entry = getCatalogEntry(code);
  const label = (
    <Badge tone="outline" mono title={entry ? `${entry.title}: ${entry.cause}` : 'Not in the error catalog'}>
      {code}
      {!entry && <span role="img" aria-label="unknown code"> ?</span>}
    </Badge>
  );
  return link ? <Link href={`/codes/${encodeURIComponent(code)}`}>{label}</Link> : label;
}

export function KindBadge({ kind }: { kind: ErrorKind | 'unknown' | null }) {
  if (!kind) return <span className="muted">—</span>;
  return <Badge tone={kind === 'platform' ? 'err' : kind === 'unknown' ? 'warn' : 'info'}>{KIND_LABELS[kind]}</Badge>;
}

export function KindOfCode({ code }: { code: string | null }) {
  return <KindBadge kind={code ? kindOf(code) : null} />;
}

export function ReasonBadge({ reason }: { reason: string | null }) {
  if (!reason) return <span className="muted">—</span>;
  const info = CAPACITY_REASON_INFO[reason as CapacityReason];
  return (
    <Badge tone={reason === 'platform_queue' ? 'err' : 'warn'} title={info?.label}>
      {reason}
    </Badge>
  );
}
