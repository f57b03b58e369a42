// Storage faults: a full disk and a database file that became read-only. Writes get a clear 503 envelope
// while reads keep working; once the fault clears, ingest resumes with nothing lost or corrupted.
// And SIGTERM: batches in flight finish (and are stored) before the process exits.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { createToken } from '@/db/queries/tokens';
import {
  checkStore,
  envelopeProblems,
  mib,
  post,
  prepareDatabase,
  recordFigure,
  sendUntil200,
  newStats,
  sleep,
  startFaultServer,
  type FaultServer,
  type PostResult,
} from '../support/faults-harness';
import { fillDisk, freeBytes, mountTmpfs, setImmutable } from '../support/faults-storage';
import { generateTraffic, ndjson, truthOf, type TruthRecord } from '../support/faults-truth';

async function getRecord(server: FaultServer, token: string, id: string): Promise<{ status: number; ms: number; text: string }> {
  const t0 = performance.now();
  try {
    const res = await fetch(`${server.baseUrl}/api/v1/requests/${encodeURIComponent(id)}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, ms: performance.now() - t0, text: await res.text() };
  } catch (err) {
    return { status: 0, ms: performance.now() - t0, text: String(err) };
  }
}

/** A token nobody has used yet: its first use happens during the fault (auth must not need a write). */
function freshReadToken(databasePath: string, name: string): string {
  const db = openDatabase(databasePath);
  try {
    return createToken(db, { name, scopes: ['read'] }).token;
  } finally {
    db.$client.close();
  }
}

// Soft: a wrong refusal is reported, and the test still goes on to check that ingest resumes intact.
function expectStorageRefusal(r: PostResult) {
  expect.soft(r.status, r.error ?? r.text.slice(0, 300)).toBe(503);
  expect.soft(envelopeProblems(r)).toEqual([]);
  expect.soft(r.headers?.get('retry-after'), 'Retry-After').toMatch(/^\d+$/);
  // A full disk is not "internal": the envelope says what is wrong, without leaking SQLite's text.
  expect.soft(r.json?.error?.code).not.toBe('internal_error');
}

describe('storage faults', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('disk full: 503 envelope for writes, reads keep working, ingest resumes after space returns', async () => {
    const fsys = mountTmpfs(48);
    cleanups.push(fsys.unmount);
    const { databasePath, token } = prepareDatabase(path.join(fsys.dir, 'errata.db'));
    const server = await startFaultServer({ databasePath, token });
    cleanups.push(() => server.stop('SIGKILL'));
    const now = Date.now();
    const before = generateTraffic(800, 61, now);
    const during = generateTraffic(12_000, 62, now);
    expect((await post(server.baseUrl, token, ndjson(before))).status).toBe(200);
    const reader = freshReadToken(databasePath, 'reader-disk-full');

    const filler = fillDisk(fsys.dir);
    expect(freeBytes(fsys.dir)).toBeLessThan(64 * 1024);
    const refused = await post(server.baseUrl, token, ndjson(during), { timeoutMs: 15_000 });
    const read = await getRecord(server, reader, before[3].request_id);
    const readOld = await getRecord(server, token, before[5].request_id);
    recordFigure('storage.disk_full', {
      filler: mib(filler.bytes),
      write: `${refused.status} ${refused.json?.error?.code ?? refused.error}`,
      write_ms: Math.round(refused.ms),
      read_fresh_token: read.status,
      read: readOld.status,
    });
    expectStorageRefusal(refused);
    expect.soft(readOld.status).toBe(200);
    expect.soft(read.status, `read with a token first used during the fault: ${read.text.slice(0, 300)}`).toBe(200);

    fs.rmSync(filler.file);
    const stats = newStats();
    await sendUntil200(() => server.baseUrl, token, ndjson(during), during.length, stats, { deadlineMs: 60_000 });
    const { state, diffs } = checkStore(databasePath, truthOf([...before, ...during]));
    recordFigure('storage.disk_full_after', { rows: state.rows, integrity: state.integrity, resend_attempts: stats.attempts });
    expect(diffs).toEqual([]);
  });

  it('read-only database file: 503 envelope for writes, reads keep working, ingest resumes when writable again', async () => {
    const { databasePath, token } = prepareDatabase();
    const server = await startFaultServer({ databasePath, token });
    const files = [databasePath, `${databasePath}-wal`, path.dirname(databasePath)];
    cleanups.push(async () => {
      setImmutable(files, false);
      await server.stop('SIGKILL');
    });
    const now = Date.now();
    const before = generateTraffic(800, 71, now);
    const during = generateTraffic(3_000, 72, now);
    expect((await post(server.baseUrl, token, ndjson(before))).status).toBe(200);
    const reader = freshReadToken(databasePath, 'reader-read-only');

    setImmutable(files, true);
    let refused: PostResult;
    let read: Awaited<ReturnType<typeof getRecord>>;
    let readOld: Awaited<ReturnType<typeof getRecord>>;
    try {
      refused = await post(server.baseUrl, token, ndjson(during), { timeoutMs: 15_000 });
      read = await getRecord(server, reader, before[3].request_id);
      readOld = await getRecord(server, token, before[5].request_id);
    } finally {
      setImmutable(files, false);
    }
    recordFigure('storage.read_only', {
      write: `${refused.status} ${refused.json?.error?.code ?? refused.error}`,
      write_ms: Math.round(refused.ms),
      read_fresh_token: read.status,
      read: readOld.status,
    });
    expectStorageRefusal(refused);
    expect.soft(readOld.status).toBe(200);
    expect.soft(read.status, `read with a token first used during the fault: ${read.text.slice(0, 300)}`).toBe(200);

    const stats = newStats();
    await sendUntil200(() => server.baseUrl, token, ndjson(during), during.length, stats, { deadlineMs: 60_000 });
    const { state, diffs } = checkStore(databasePath, truthOf([...before, ...during]));
    recordFigure('storage.read_only_after', { rows: state.rows, integrity: state.integrity, resend_attempts: stats.attempts });
    expect(diffs).toEqual([]);
  });

  it('SIGTERM: batches in flight are finished and stored before the process exits', async () => {
    const { databasePath, token } = prepareDatabase();
    let server = await startFaultServer({ databasePath, token });
    cleanups.push(() => server.stop('SIGKILL'));
    const now = Date.now();
    const warm = generateTraffic(50, 80, now);
    expect((await post(server.baseUrl, token, ndjson(warm))).status).toBe(200);
    const batches: TruthRecord[][] = Array.from({ length: 5 }, (_, i) => generateTraffic(2_500, 81 + i, now));
    const answers = batches.map((b) => post(server.baseUrl, token, ndjson(b), { timeoutMs: 60_000 }));
    // Let every upload arrive and the writer start on the first batches, then ask the server to stop.
    await sleep(400);
    const exit = new Promise<{ code: number | null; signal: string | null; ms: number }>((resolve) => {
      const t0 = performance.now();
      server.process.once('exit', (code, signal) => resolve({ code, signal, ms: performance.now() - t0 }));
    });
    process.kill(-server.process.pid!, 'SIGTERM');
    // A batch that arrives while the server drains is refused (503 or connection refused), never left hanging.
    await sleep(100);
    const late = generateTraffic(100, 99, now);
    const lateAnswer = await post(server.baseUrl, token, ndjson(late), { timeoutMs: 30_000 });
    const results = await Promise.all(answers);
    const exited = await exit;
    recordFigure('storage.sigterm', {
      answers: results.map((r) => r.status || r.error),
      late: lateAnswer.status || lateAnswer.error,
      exit: exited.code ?? exited.signal,
      exit_ms: Math.round(exited.ms),
    });
    expect(results.map((r) => r.status)).toEqual(batches.map(() => 200));
    expect(lateAnswer.ms).toBeLessThan(10_000);
    if (lateAnswer.status === 200) batches.push(late);
    else if (lateAnswer.status !== 0) expect(lateAnswer.status).toBe(503);
    // The 200s were honest: restart on the same file and every batch is there.
    const truth = truthOf([...warm, ...batches.flat()]);
    const { state, diffs } = checkStore(databasePath, truth);
    expect(diffs).toEqual([]);
    expect(state.rows).toBe(truth.rows);
    server = await startFaultServer({ databasePath, token });
    const again = await post(server.baseUrl, token, ndjson(batches[0]));
    expect(again.json).toMatchObject({ accepted: 0, duplicates: batches[0].length });
  });
});
