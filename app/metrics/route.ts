import { getMetaDb } from '@/db';
import { readDbStats } from '@/db/queries/db-stats';
import { withApi } from '@/lib/api-error';
import { requireAccess } from '@/lib/auth/guard';
import { metrics } from '@/lib/metrics';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Database size and row counts are read at most this often: a scrape every second must cost next to nothing. */
const DB_STATS_TTL_MS = 60_000;
const cache = globalThis as unknown as { errataDbStatsAt?: number };

function refreshDbStats(now = Date.now()) {
  if (cache.errataDbStatsAt !== undefined && now - cache.errataDbStatsAt < DB_STATS_TTL_MS) return;
  cache.errataDbStatsAt = now;
  const stats = readDbStats(getMetaDb());
  const m = metrics();
  m.databaseBytes.set({ file: 'main' }, stats.bytes.main);
  m.databaseBytes.set({ file: 'wal' }, stats.bytes.wal);
  for (const [table, n] of Object.entries(stats.rows)) m.rows.set({ table }, n);
}

// Prometheus text exposition format, for a token with the metrics (or admin) scope: `bearer_token` in a scrape config.
export const GET = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, { scope: 'metrics', role: 'admin' });
  refreshDbStats();
  const { registry } = metrics();
  const body = await registry.metrics();
  return new Response(body, { headers: { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store', 'X-Request-Id': requestId } });
});
