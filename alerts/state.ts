// The life of one alert (one rule, one split value). Pure: the evaluator stores what this returns.
// none → pending (first breach) → firing (second consecutive breach) → resolved (normal for `resolveAfter` windows
// in a row; "normal" has hysteresis, see Verdict.normal). A pending alert whose next window does not breach is
// cleared without ever notifying. Acknowledge and silence-until are marks on the open alert, not states.
import type { AlertState } from '@/lib/alert-kinds';

export { ALERT_STATES, type AlertState } from '@/lib/alert-kinds';

/** Normal windows in a row before a firing alert resolves. */
export const RESOLVE_AFTER = 3;

export interface AlertTrack {
  state: 'pending' | 'firing';
  started_ms: number;
  fired_ms: number | null;
  /** Consecutive normal windows while firing. */
  normal_streak: number;
  peak_observed: number;
  acked_ms: number | null;
  acked_by: string | null;
  silenced_until_ms: number | null;
}

export interface Observation {
  /** End of the evaluated window: the time of any transition it causes. */
  at_ms: number;
  breach: boolean;
  normal: boolean;
  observed: number;
  expected: number;
}

export interface Transition {
  from: AlertState | 'none';
  to: AlertState;
  at_ms: number;
  observed: number;
  expected: number;
}

export function stepAlert(track: AlertTrack | null, o: Observation, resolveAfter = RESOLVE_AFTER): { track: AlertTrack | null; transition: Transition | null } {
  const t = (from: Transition['from'], to: AlertState): Transition => ({ from, to, at_ms: o.at_ms, observed: o.observed, expected: o.expected });
  if (!track) {
    if (!o.breach) return { track: null, transition: null };
    return {
      track: { state: 'pending', started_ms: o.at_ms, fired_ms: null, normal_streak: 0, peak_observed: o.observed, acked_ms: null, acked_by: null, silenced_until_ms: null },
      transition: t('none', 'pending'),
    };
  }
  const peak = Math.max(track.peak_observed, o.observed);
  if (track.state === 'pending') {
    if (o.breach) return { track: { ...track, state: 'firing', fired_ms: o.at_ms, peak_observed: peak }, transition: t('pending', 'firing') };
    return { track: null, transition: t('pending', 'cleared') };
  }
  if (o.breach || !o.normal) return { track: { ...track, normal_streak: 0, peak_observed: peak }, transition: null };
  const streak = track.normal_streak + 1;
  if (streak >= resolveAfter) return { track: null, transition: t('firing', 'resolved') };
  return { track: { ...track, normal_streak: streak }, transition: null };
}

export function acknowledge(track: AlertTrack, by: string, at_ms: number): AlertTrack {
  return { ...track, acked_ms: at_ms, acked_by: by };
}

/** Silence until a time (null lifts it): transitions are still stored, nothing is delivered before then. */
export function silence(track: AlertTrack, until_ms: number | null): AlertTrack {
  return { ...track, silenced_until_ms: until_ms };
}

/** Transitions that notify channels: firing, and resolved after firing. Pending and cleared stay on the page. */
export function notifies(tr: Transition): boolean {
  return tr.to === 'firing' || tr.to === 'resolved';
}
