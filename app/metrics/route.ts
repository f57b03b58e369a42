import { getMetaDb, getStore } from '@/db';
import { readMetaDbStats } from '@/db/queries/db-stats';
import { withApi } from '@/lib/api-error';
import { requireAccess } from '@/auth/guard';
import { metrics } from '@/lib/metrics';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Database size and row counts are read at most this often: a scrape every second must cost next to nothing. */
const DB_STATS_TTL_MS = 60_000;
const cache = globalThis as unknown as { errataDbStatsAt?: number };

async function refreshDbStats(now = Date.now()) {
  if (cache.errataDbStatsAt !== undefined && now - cache.errataDbStatsAt < DB_STATS_TTL_MS) return;
  cache.errataDbStatsAt = now;
  const m = metrics();
  const meta = readMetaDbStats(getMetaDb());
  m.databaseBytes.set({ file: 'main' }, meta.bytes.main);
  m.databaseBytes.set({ file: 'wal' }, meta.bytes.wal);
  for (const [table, n] of Object.entries(meta.rows)) m.rows.set({ table }, n);
  // Request data is counted by the store that keeps it (SQLite or ClickHouse). A store that cannot answer now leaves
  // the last figures in place and is asked again on the next scrape, rather than failing the whole scrape.
  try {
    const c = await getStore().counts();
    m.rows.set({ table: 'requests' }, c.requests);
    m.rows.set({ table: 'ingest_rejections' }, c.rejection_samples);
  } catch {
    cache.errataDbStatsAt = undefined;
  }
}

// Prometheus text exposition format, for a token with the metrics (or admin) scope: `bearer_token` in a scrape config.
export const GET = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, { scope: 'metrics', role: 'admin' });
  await refreshDbStats();
  const { registry } = metrics();
  const body = await registry.metrics();
  return new Response(body, { headers: { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store', 'X-Request-Id': requestId } });
});
