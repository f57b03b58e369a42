import { listWorstKeys } from '@/behaviour';
import { getMetaDb, getStore } from '@/db';
import { recordAudit } from '@/db/queries/audit';
import { ValidationError, withApi } from '@/lib/api-error';
import { dayRange } from '@/lib/behaviour-rules';
import { actorOf, requireAccess } from '@/auth/guard';
import { endpointQuery } from '@/lib/query-params';
import { BEHAVIOUR_KEYS_CSV_COLUMNS, behaviourKeyCsvRow, csvHeaders, csvStream, RETRIES_CSV_COLUMNS, retryCsvRow } from '@/lib/csv';
import { filtersToQueryString, parseBehaviourParams, parseFilters } from '@/lib/filters';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Rows of the retries view at most: behaviour lists are bounded like every other read. */
const MAX_RETRY_ROWS = 100_000;

export const GET = withApi(async (req, _ctx, requestId) => {
  const who = await requireAccess(req, { scope: 'read', role: 'support' });
  const q = endpointQuery(req, '/api/v1/export/behaviour.csv');
  const view = q.get('view') ?? 'keys';
  if (view !== 'keys' && view !== 'retries') throw new ValidationError('view: keys or retries', 'view', { value: view });
  const now = Date.now();
  const filters = parseFilters(q, { now });
  const { retry_class } = parseBehaviourParams(q);
  const { from, to } = dayRange(filters.from, filters.to);
  const store = getStore();
  const rows =
    view === 'keys'
      ? (await listWorstKeys(store, { from, to, now }, 10_000)).filter((k) => filters.key.length === 0 || filters.key.includes(k.key_id)).map(behaviourKeyCsvRow)
      : (await store.behaviourLimits({ from, to, now, keys: filters.key, retry_class, limit: MAX_RETRY_ROWS })).map(retryCsvRow);
  recordAudit(getMetaDb(), { actor: actorOf(who), action: 'export', target: 'behaviour.csv', details: { view, filters: filtersToQueryString(filters, { absoluteRange: true }) } });
  const body = csvStream(view === 'keys' ? BEHAVIOUR_KEYS_CSV_COLUMNS : RETRIES_CSV_COLUMNS, [rows][Symbol.iterator]());
  return new Response(body, { headers: csvHeaders(view === 'keys' ? 'behaviour-keys' : 'behaviour-retries', { ...filters, from, to }, requestId) });
});
