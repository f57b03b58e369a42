import { z } from 'zod';

const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);

const envSchema = z.object({
  DATABASE_PATH: z.preprocess(emptyAsUndefined, z.string().default('./data/errata.db')),
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(65535).default(3000)),
  ERRATA_RETENTION_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(3650).default(30)),
  /** Batches waiting for the writer before ingest answers 503 with Retry-After. */
  ERRATA_WRITER_QUEUE: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1000).default(8)),
  /** MiB of decoded request bodies held at once across requests before ingest answers 503 (ingest/decode-budget.ts). */
  /** The dashboard's address as users reach it, for links in alert notifications (default http://localhost:PORT). */
  ERRATA_PUBLIC_URL: z.preprocess(emptyAsUndefined, z.string().url().optional()),
  /** off: no alert evaluation or delivery in this server (rules and history stay). */
  ERRATA_ALERTS: z.preprocess(emptyAsUndefined, z.enum(['on', 'off']).default('on')),
  /** How often rules are evaluated (ms); windows are still 5 minutes or 1 hour. Tests shorten it. */
  ERRATA_ALERTS_INTERVAL_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1000).max(3_600_000).default(60_000)),
  ERRATA_DECODE_BUDGET_MB: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(80).max(65536).default(256)),
});
export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;
export function getEnv(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`errata: invalid environment\n${problems}`);
  }
  cached = parsed.data;
  return cached;
}
