// The from-scratch classification of a set of events: the definition the store's incremental computation must
// equal whatever order batches arrive in and however often they are resent (tests compare the two).
import {
  ABANDON_MS,
  classifyRetry,
  compareEvents,
  FUTILE_WINDOW_MS,
  isFutileCode,
  isStorm,
  STORM_WINDOW_MS,
} from '@/lib/behaviour-rules';
import type { BehaviourEvent, BehaviourFacts, EventRef, FutileFact, LimitFact } from '@/lib/behaviour-rules';

const ref = (e: BehaviourEvent): EventRef => ({ request_id: e.request_id, code: e.code, ts_ms: e.ts_ms });

/** Facts of every limit and futile-code event; duplicates (same request id and code) count once, the first kept. */
export function computeBehaviour(events: readonly BehaviourEvent[]): BehaviourFacts {
  const seen = new Set<string>();
  const byKey = new Map<string, BehaviourEvent[]>();
  for (const e of events) {
    const id = `${e.request_id}\u0000${e.code}`;
    if (seen.has(id)) continue;
    seen.add(id);
    let list = byKey.get(e.key_id);
    if (!list) byKey.set(e.key_id, (list = []));
    list.push(e);
  }
  const limits: LimitFact[] = [];
  const futile: FutileFact[] = [];
  for (const list of byKey.values()) {
    list.sort(compareEvents);
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      if (e.retry_after_ms !== null) limits.push(limitFact(list, i, e.retry_after_ms));
      if (isFutileCode(e.code)) {
        let repeat = false;
        for (let j = i - 1; j >= 0 && list[j].ts_ms >= e.ts_ms - FUTILE_WINDOW_MS; j--) {
          if (list[j].code === e.code) {
            repeat = true;
            break;
          }
        }
        futile.push({ request_id: e.request_id, code: e.code, key_id: e.key_id, ts_ms: e.ts_ms, route: e.route, repeat });
      }
    }
  }
  return { limits, futile };
}

function limitFact(list: readonly BehaviourEvent[], i: number, retry_after_ms: number): LimitFact {
  const l = list[i];
  const within = (e: BehaviourEvent) => e.ts_ms - l.ts_ms <= ABANDON_MS;
  const nextAny = i + 1 < list.length && within(list[i + 1]) ? list[i + 1] : null;
  let nextRoute: BehaviourEvent | null = null;
  for (let j = i + 1; j < list.length && within(list[j]); j++) {
    if (list[j].route === l.route) {
      nextRoute = list[j];
      break;
    }
  }
  let before_n = 0;
  for (let j = i - 1; j >= 0 && list[j].ts_ms >= l.ts_ms - STORM_WINDOW_MS; j--) before_n++;
  let after_n = 0;
  for (let j = i + 1; j < list.length && list[j].ts_ms <= l.ts_ms + STORM_WINDOW_MS; j++) after_n++;
  return {
    request_id: l.request_id,
    code: l.code,
    key_id: l.key_id,
    ts_ms: l.ts_ms,
    status: l.status,
    route: l.route,
    retry_after_ms,
    next_any: nextAny && ref(nextAny),
    class_any: classifyRetry(retry_after_ms, nextAny ? nextAny.ts_ms - l.ts_ms : null),
    next_route: nextRoute && ref(nextRoute),
    class_route: classifyRetry(retry_after_ms, nextRoute ? nextRoute.ts_ms - l.ts_ms : null),
    before_n,
    after_n,
    storm: isStorm(before_n, after_n),
  };
}
