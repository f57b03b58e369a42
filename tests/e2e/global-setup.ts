// Seeds the e2e database with deterministic traffic plus a clear error spike, and signs in one user per role.
// Playwright starts webServer before globalSetup; the server only reads, and SQLite WAL lets both open the file.
import fs from 'node:fs';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';
import { openDatabase } from '../../db/client';
import { createSession } from '../../db/queries/sessions';
import { createUser } from '../../db/queries/users';
import { sqliteStoreOn } from '../../db/sqlite/store';
import { processBatch } from '../../ingest/index';
import { behaviourStories, BEHAVIOUR_STORY_KEYS, trafficChunks } from '../../demo/traffic';
import { SESSION_COOKIE } from '../../lib/auth/cookies';
import { authDir, type Role, type SeedInfo } from './e2e-env';

const HOUR = 3_600_000;
const SPIKE_COUNT = 1500;
const SPIKE_CODE = 'internal_error';

function ndjson(records: object[]): Uint8Array {
  return new TextEncoder().encode(records.map((r) => JSON.stringify(r)).join('\n'));
}

export default async function globalSetup(_config: FullConfig) {
  const dbPath = process.env.E2E_DATABASE_PATH!;
  const baseURL = process.env.E2E_BASE_URL!;
  const dir = authDir();
  fs.mkdirSync(dir, { recursive: true });
  const db = openDatabase(dbPath);
  const store = sqliteStoreOn(db);
  const now = Date.now();
  const hourNow = Math.floor(now / HOUR) * HOUR;

  // Two days of realistic traffic ending now (successes and errors, all 20 codes, capacity reasons).
  let records = 0;
  for (const chunk of trafficChunks({ seed: 'errata-e2e', count: 30_000, end: now - 60_000, days: 2 }, 5000)) {
    records += (await processBatch(store, new TextEncoder().encode(chunk), { token_id: null })).accepted;
  }

  // The spike: 1,500 internal_error 500s inside one hour, five hours ago, on one route.
  const spikeHour = hourNow - 5 * HOUR;
  const spike = Array.from({ length: SPIKE_COUNT }, (_, i) => {
    const id = `req_spike_${String(i).padStart(5, '0')}`;
    return {
      request_id: id,
      timestamp: new Date(spikeHour + 5 * 60_000 + i * 1000).toISOString(),
      status: 500,
      method: 'POST',
      path: '/v1/submissions',
      route: '/v1/submissions',
      latency_ms: 30 + (i % 50),
      key_id: `key_spike_${i % 3}`,
      account_id: 'acct_spike',
      tier: 'pro',
      error: { code: SPIKE_CODE, message: 'An unexpected error occurred.', details: {}, request_id: id },
    };
  });
  records += (await processBatch(store, ndjson(spike), { token_id: null })).accepted;

  // Errors with no success records at all, 20 days back: the "errors but no request totals" state.
  const noTotalsFrom = hourNow - 20 * 24 * HOUR;
  const orphans = Array.from({ length: 40 }, (_, i) => {
    const id = `req_nototals_${String(i).padStart(3, '0')}`;
    return {
      request_id: id,
      timestamp: new Date(noTotalsFrom + i * 60_000).toISOString(),
      status: 429,
      method: 'POST',
      route: '/v1/submissions',
      key_id: 'key_orphan',
      tier: 'free',
      error: { code: 'rate_limited', message: 'Too many requests.', details: { retry_after: 30 }, request_id: id },
    };
  });
  records += (await processBatch(store, ndjson(orphans), { token_id: null })).accepted;

  // The client-behaviour stories (Retry-After ignored, invalid_credentials forever, idempotency keys reused).
  const stories = [...behaviourStories({ end: now - 60_000, seed: 'errata-e2e' })];
  records += (await processBatch(store, ndjson(stories), { token_id: null })).accepted;
  const reusedIdempotencyKey = stories.find((r) => r.key_id === BEHAVIOUR_STORY_KEYS.reusesIdempotencyKeys && r.idempotency_key)!.idempotency_key!;

  // One signed-in browser state per role: sessions are created directly, the login form has its own spec.
  for (const role of ['support', 'engineer', 'admin'] as Role[]) {
    const { user } = await createUser(db, { email: `e2e-${role}@errata.test`, role, password: `e2e-${role}-password-123` });
    const { token, expires_ms } = createSession(db, user.id);
    const state = {
      cookies: [
        {
          name: SESSION_COOKIE,
          value: token,
          domain: new URL(baseURL).hostname,
          path: '/',
          expires: Math.floor(expires_ms / 1000),
          httpOnly: true,
          secure: false,
          sameSite: 'Lax' as const,
        },
      ],
      origins: [],
    };
    fs.writeFileSync(path.join(dir, `${role}.json`), JSON.stringify(state));
  }
  // A key with both successes and errors, for pages that show one key's traffic.
  const busyKey = db.$client
    .prepare(
      `SELECT key_id FROM requests WHERE key_id IS NOT NULL GROUP BY key_id
       HAVING sum(status >= 400) > 0 AND sum(status < 400) > 0 ORDER BY count(*) DESC LIMIT 1`,
    )
    .pluck()
    .get() as string;
  db.$client.close();

  const info: SeedInfo = {
    spike_hour_ms: spikeHour,
    spike_count: SPIKE_COUNT,
    spike_code: SPIKE_CODE,
    no_totals_from_ms: noTotalsFrom,
    no_totals_to_ms: noTotalsFrom + HOUR,
    records,
    busy_key: busyKey,
    seeded_at_ms: now,
    idempotency_key: reusedIdempotencyKey,
  };
  fs.writeFileSync(path.join(dir, 'seed.json'), JSON.stringify(info));
}
