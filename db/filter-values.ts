// Values offered in the filter bar, read through the store: one breakdown of the field over the range under the other
// filters (the counts the overview's tables already read), plus at most one more to tell whether a typed value
// beyond the top rows was seen. The ranking and errata's own vocabulary are lib/filter-values.ts.
import type { Filters } from '@/lib/filters';
import type { FilterValues } from '@/lib/api-types';
import { knownValues, rankValues, type ValueField } from '@/lib/filter-values';
import type { RequestStore } from './store';

/** Breakdown rows read per call: enough for every tier, code and route, and the busiest keys. */
const MAX_ROWS = 1000;

/** Filters without the field's own values: the counts say what choosing a value of it would show. */
function withoutField(f: Filters, field: ValueField): Filters {
  return field === 'status' ? { ...f, status: [] } : { ...f, [field]: [] };
}

export async function filterValues(store: Pick<RequestStore, 'breakdown'>, filters: Filters, opts: { field: ValueField; q: string; limit: number }): Promise<FilterValues> {
  const { field, limit } = opts;
  const q = opts.q.trim();
  const others = withoutField(filters, field);
  const bd = await store.breakdown(others, { by: field, limit: MAX_ROWS });
  const seen = bd.rows.filter((r) => r.value !== null && r.value !== '').map((r) => ({ value: r.value!, count: r.records, errors: r.errors }));
  const { values, matches } = rankValues(field, seen, q, limit);
  let typed: FilterValues['typed'] = null;
  if (q) {
    const known = knownValues(field).includes(q);
    let hit = seen.find((s) => s.value === q);
    // Beyond the top rows: ask for exactly this value (status values are parsed, so only 1xx–5xx digits reach here).
    if (!hit && bd.other && (field !== 'status' || /^[1-5]\d\d$/.test(q))) {
      const one = await store.breakdown(field === 'status' ? { ...others, status: [{ kind: 'status', status: Number(q) }] } : { ...others, [field]: [q] }, { by: field, limit: 1 });
      const r = one.rows.find((x) => x.value === q);
      if (r) hit = { value: q, count: r.records, errors: r.errors };
    }
    const lower = q.toLowerCase();
    const near = known || hit ? null : (values.find((v) => v.value.toLowerCase() === lower)?.value ?? null);
    typed = { value: q, count: hit?.count ?? 0, errors: hit?.errors ?? 0, known, unknown: !known && !hit, did_you_mean: near };
  }
  return { field, q, from_ms: filters.from, to_ms: filters.to, values, more: Math.max(0, matches - values.length), typed };
}
