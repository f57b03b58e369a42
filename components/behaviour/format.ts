import { RETRY_CLASS_LABELS, VERDICT_LABELS, type RetryClassValue, type Verdict } from '@/lib/behaviour-rules';
import type { Tone } from '@/components/ui/badge';

export function gap(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export const verdictTone = (v: Verdict): Tone => (v === 'well_behaved' ? 'ok' : v === 'retry_storm' || v === 'ignores_retry_after' ? 'err' : 'warn');
export const verdictLabel = (v: Verdict) => VERDICT_LABELS[v];
export const classTone = (c: RetryClassValue): Tone => (c === 'honoured' ? 'ok' : c === 'immediate' ? 'err' : c === 'early' ? 'warn' : 'outline');
export const classLabel = (c: RetryClassValue) => RETRY_CLASS_LABELS[c];
