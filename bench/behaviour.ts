// The client-behaviour ingest measure (issue 18): the same generated records through the whole pipeline
// (processBatch: parse, normalize, validate, write) into a fresh file database, once with the four behaviour fields
// (idempotency_key, request_fingerprint, idempotent_replayed, user_agent) and the behaviour facts classified in the
// write transaction, once without the fields and with classification off. Runs alternate, so load drift hits both;
// the ratio is taken on records per CPU-second (the machine is shared; wall figures are reported beside it).
// Registered in bench/run.ts; alone: `npx tsx bench/behaviour.ts [records=50000] [runs=3]`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '@/db/client';
import { SqliteRequestStore } from '@/db/sqlite/store';
import { processBatch } from '@/ingest';
import { behaviourStories, trafficLines } from '@/demo/traffic';
import type { Measure } from './report';
import { compact, round } from './stats';

export const BEHAVIOUR_TARGET = 0.9;
const BATCH = 5000;

export interface VariantRun {
  records: number;
  wall_s: number;
  cpu_s: number;
}

export interface BehaviourIngestResult {
  records: number;
  runs: number;
  /** Medians over the runs. */
  fields: { per_s: number; per_cpu_s: number };
  plain: { per_s: number; per_cpu_s: number };
  /** Facts the classified runs kept (limits / futile events). */
  facts: string;
  ratio_cpu: number;
  ratio_wall: number;
  all: { fields: VariantRun[]; plain: VariantRun[] };
}

/** The two variants' batches: the same records, with and without the four behaviour fields. */
function batches(records: number, seed: string): { fields: Buffer[]; plain: Buffer[] } {
  const objs: Record<string, unknown>[] = [];
  let i = 0;
  for (const line of trafficLines({ seed, count: records, keys: 400, days: 2 })) {
    const o = JSON.parse(line) as Record<string, unknown>;
    o.user_agent = i % 3 === 0 ? 'acme-sync/2.3.1 python-requests/2.31' : 'node-fetch/3.3';
    if (o.method === 'POST') {
      o.idempotency_key = `idem_${(i >> 1).toString(36)}`;
      o.request_fingerprint = `sha256:${((i * 2654435761) >>> 0).toString(16)}`;
      o.idempotent_replayed = i % 2 === 1;
    }
    objs.push(o);
    i++;
  }
  // The demo's misbehaving clients (Retry-After ignored, futile retries, idempotency reuse) on top.
  for (const s of behaviourStories({ seed })) objs.push({ ...s });
  const FIELDS = ['idempotency_key', 'request_fingerprint', 'idempotent_replayed', 'user_agent'];
  const chunk = (lines: string[]) => {
    const out: Buffer[] = [];
    for (let k = 0; k < lines.length; k += BATCH) out.push(Buffer.from(lines.slice(k, k + BATCH).join('\n')));
    return out;
  };
  return {
    fields: chunk(objs.map((o) => JSON.stringify(o))),
    plain: chunk(
      objs.map((o) => {
        const p = { ...o };
        for (const f of FIELDS) delete p[f];
        return JSON.stringify(p);
      }),
    ),
  };
}

async function once(chunks: readonly Buffer[], classify: boolean, workDir: string): Promise<VariantRun & { facts: string }> {
  const dir = fs.mkdtempSync(path.join(workDir, 'behaviour-'));
  const db = openDatabase(path.join(dir, 'errata.db'));
  try {
    const store = new SqliteRequestStore(db, false, classify);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let records = 0;
    for (const c of chunks) records += (await processBatch(store, c, { token_id: null, received_ms: Date.now(), min_ts_ms: 0 })).accepted;
    const wall_s = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const facts = db.$client.prepare("SELECT (SELECT count(*) FROM behaviour_limits) || ' / ' || (SELECT count(*) FROM behaviour_futile)").pluck().get() as string;
    return { records, wall_s, cpu_s: (c.user + c.system) / 1e6, facts };
  } finally {
    db.$client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function runBehaviourIngest(opts: { records: number; runs?: number; seed?: string; workDir?: string; log?: (s: string) => void }): Promise<BehaviourIngestResult> {
  const runs = opts.runs ?? 3;
  const workDir = opts.workDir ?? os.tmpdir();
  const b = batches(opts.records, opts.seed ?? 'bench-behaviour');
  const all = { fields: [] as VariantRun[], plain: [] as VariantRun[] };
  let facts = '';
  // A warm-up of each variant (JIT, page cache), not counted.
  await once(b.plain.slice(0, 2), false, workDir);
  await once(b.fields.slice(0, 2), true, workDir);
  for (let r = 0; r < runs; r++) {
    // Alternate which goes first, so a trend in the machine's load falls on both.
    for (const v of r % 2 ? (['fields', 'plain'] as const) : (['plain', 'fields'] as const)) {
      const x = await once(v === 'fields' ? b.fields : b.plain, v === 'fields', workDir);
      all[v].push({ records: x.records, wall_s: x.wall_s, cpu_s: x.cpu_s });
      if (v === 'fields') facts = x.facts;
      opts.log?.(`behaviour ingest ${v} run ${r + 1}: ${compact(x.records / x.wall_s)} records/s, ${compact(x.records / x.cpu_s)} per CPU-s (facts ${x.facts})`);
    }
  }
  const rate = (xs: VariantRun[], by: 'wall_s' | 'cpu_s') => median(xs.map((x) => x.records / x[by]));
  const fields = { per_s: rate(all.fields, 'wall_s'), per_cpu_s: rate(all.fields, 'cpu_s') };
  const plain = { per_s: rate(all.plain, 'wall_s'), per_cpu_s: rate(all.plain, 'cpu_s') };
  return {
    records: all.fields[0]?.records ?? 0,
    runs,
    fields,
    plain,
    facts,
    ratio_cpu: round(fields.per_cpu_s / plain.per_cpu_s, 3),
    ratio_wall: round(fields.per_s / plain.per_s, 3),
    all,
  };
}

export function behaviourIngestMeasure(r: BehaviourIngestResult | null, why = 'not measured (see notes)'): Measure {
  return {
    id: 'behaviour_ingest',
    measure: 'Ingest with the four client-behaviour fields and classification on, vs the same records without them (processBatch into a file database)',
    errata: r
      ? `${compact(r.fields.per_cpu_s)} records per CPU-second (${compact(r.fields.per_s)}/s wall; facts kept: ${r.facts} limits / futile), median of ${r.runs}`
      : why,
    floor: r ? `${compact(r.plain.per_cpu_s)} records per CPU-second (${compact(r.plain.per_s)}/s wall) without fields or classification` : '—',
    ratio: r ? r.ratio_cpu : null,
    ratio_text: r ? `${r.ratio_cpu.toFixed(2)}× per CPU-second (${r.ratio_wall.toFixed(2)}× wall)` : '—',
    target: `≥ ${BEHAVIOUR_TARGET}×`,
    met: r ? r.ratio_cpu >= BEHAVIOUR_TARGET : null,
    figures: r ? { records: r.records, runs: r.runs, fields: r.fields, plain: r.plain, facts: r.facts, ratio_cpu: r.ratio_cpu, ratio_wall: r.ratio_wall, runs_detail: r.all } : {},
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const records = Number(process.argv[2] ?? 50_000);
  const runs = Number(process.argv[3] ?? 3);
  runBehaviourIngest({ records, runs, log: (s) => console.log(s) }).then((r) => {
    const m = behaviourIngestMeasure(r);
    console.log(JSON.stringify({ ratio: m.ratio_text, met: m.met, errata: m.errata, floor: m.floor }, null, 2));
  });
}
