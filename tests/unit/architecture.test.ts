// The store seam holds: pages, handlers, components, the CLI, the ingest pipeline, alerts and client behaviour reach
// request data (records, rollups, behaviour facts) only through the RequestStore interface (db/store.ts, opened by
// db/index.ts getStore or db/open-store.ts), never through the SQLite query modules, the SQLite write path or a
// concrete store; on a ClickHouse deployment those would read an empty SQLite file.
// And each folder holds one kind of thing (README.md, Layout): lib/ imports nothing of ours but
// lib/; db/ knows no HTTP, no React and not the auth layer; components/ never import app/ or db/; nothing imports app/.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const GUARDED = ['app', 'auth', 'cli', 'components', 'ingest', 'alerts', 'behaviour', 'demo'];

/** Modules that are one store's implementation (paths from the root, without extension). */
const FORBIDDEN: { target: RegExp; why: string }[] = [
  {
    target: /^db\/queries\/(requests|stats|export|ingest-health|retention|behaviour|behaviour-facts|key-history|support-lookup|near-ids|filter-sql)$/,
    why: 'a SQLite query module for request data: use the RequestStore (types from db/types)',
  },
  { target: /^ingest\/write$/, why: 'the SQLite write path: use RequestStore.writeBatch / recordRejectedBatch' },
  { target: /^db\/sqlite(\/|$)/, why: 'a concrete store: depend on the RequestStore interface (getStore / openRequestStore)' },
  { target: /^db\/clickhouse(\/|$)/, why: 'a concrete store: depend on the RequestStore interface (getStore / openRequestStore)' },
];

/** Folders that hold no metadata at all: not even the metadata connection (getMetaDb, db/client) may appear there. */
const STORE_ONLY: { dir: string; target: RegExp; why: string }[] = [
  { dir: 'behaviour/', target: /^db(\/client|\/index)?$/, why: 'behaviour/ reads through BehaviourReads (db/store.ts), not a database connection' },
];

/** Files allowed to import a forbidden module, each with its reason. */
const ALLOWED: Record<string, string> = {
  'ingest/write.ts': "the SQLite store's own write path (it keeps the behaviour facts in the ingest transaction)",
};

/** SQL of its own on a connection in app/ or behaviour/ bypasses the store; these files run metadata SQL only. */
const RAW_SQL = /\$client\b|\.prepare\s*\(|\.pragma\s*\(/;
const RAW_SQL_ALLOWED: Record<string, string> = {
  'app/api/v1/health/route.ts': 'pings the metadata database (select 1)',
};

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])([^'"\n]+)\1/gm;

/** The repo-relative module (no extension, no /index) each import of `source` names, for imports of our own code. */
function importedModules(source: string, file: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(SPECIFIER)) {
    const spec = m[2];
    let abs: string;
    if (spec.startsWith('@/')) abs = path.join(ROOT, spec.slice(2));
    else if (spec.startsWith('.')) abs = path.resolve(path.dirname(path.join(ROOT, file)), spec);
    else continue;
    const rel = path.relative(ROOT, abs).split(path.sep).join('/');
    out.push(rel.replace(/\.(ts|tsx|mjs|js)$/, '').replace(/\/index$/, ''));
  }
  return out;
}

/** Every import specifier in `source`: ours as the repo-relative module (no extension, no /index), packages as written. */
function imports(source: string, file: string): { mod: string; ours: boolean }[] {
  const out: { mod: string; ours: boolean }[] = [];
  for (const m of source.matchAll(SPECIFIER)) {
    const spec = m[2];
    if (spec.startsWith('@/') || spec.startsWith('.')) out.push(...importedModules(`import '${spec}';`, file).map((mod) => ({ mod, ours: true })));
    else out.push({ mod: spec, ours: false });
  }
  return out;
}

/** The arrows between folders: which file may import what (ARCHITECTURE: arrows point down and never back up). */
const LAYERS: { dir: string; forbids: (mod: string, ours: boolean) => boolean; why: string }[] = [
  { dir: 'lib/', forbids: (mod, ours) => ours && !mod.startsWith('lib/'), why: 'lib/ is pure shared code and imports nothing of ours but lib/' },
  { dir: 'db/', forbids: (mod, ours) => ours && /^(lib\/auth|auth|app|components)(\/|$)/.test(mod), why: 'db/ is the store: it knows no auth layer, no pages and no components' },
  { dir: 'db/', forbids: (mod, ours) => !ours && /^(next|react|react-dom)(\/|$)/.test(mod), why: 'db/ knows no HTTP and no React (Next.js stays in app/ and auth/)' },
  { dir: 'components/', forbids: (mod, ours) => ours && /^(app|db)(\/|$)/.test(mod), why: 'components/ get their data as props or through the API (types: lib/api-types), never from db/ or app/' },
  { dir: '', forbids: (mod, ours) => ours && /^app(\/|$)/.test(mod), why: 'nothing imports app/ (a page passes what a component needs as props)' },
];

/** Imports across a layer that stay for now, each with its reason ("file -> module"). */
const LAYER_ALLOWED: Record<string, string> = {};

function layerViolations(source: string, file: string): string[] {
  const out: string[] = [];
  if (file.startsWith('app/')) return out;
  for (const { mod, ours } of imports(source, file)) {
    if (LAYER_ALLOWED[`${file} -> ${mod}`]) continue;
    // The first arrow an import breaks names it (components/ → app/ breaks two).
    const l = LAYERS.find((l) => file.startsWith(l.dir) && l.forbids(mod, ours));
    if (l) out.push(`${file} imports ${mod}: ${l.why}`);
  }
  return out;
}

function violations(source: string, file: string): string[] {
  if (ALLOWED[file]) return [];
  const out: string[] = [];
  for (const mod of importedModules(source, file)) {
    for (const f of FORBIDDEN) if (f.target.test(mod)) out.push(`${file} imports ${mod}: ${f.why}`);
    for (const f of STORE_ONLY) if (file.startsWith(f.dir) && f.target.test(mod)) out.push(`${file} imports ${mod}: ${f.why}`);
  }
  if (/\bgetMetaDb\b/.test(source) && STORE_ONLY.some((f) => file.startsWith(f.dir))) out.push(`${file} uses getMetaDb: ${STORE_ONLY[0].why}`);
  if ((file.startsWith('app/') || file.startsWith('behaviour/')) && !RAW_SQL_ALLOWED[file] && RAW_SQL.test(source)) {
    out.push(`${file} runs SQL on a connection itself: read request data through the store`);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.(ts|tsx|mjs|js)$/.test(e.name)) out.push(rel);
  }
  return out;
}

describe('the store seam', () => {
  test('app/, cli/, components/, ingest/, alerts/ and behaviour/ import no store implementation', () => {
    const files = GUARDED.flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((f) => violations(fs.readFileSync(path.join(ROOT, f), 'utf8'), f));
    expect(found).toEqual([]);
  });

  test('the check sees every form of import (so a planted one fails the test above)', () => {
    const planted = [
      "import { getSummary } from '@/db/queries/stats';",
      'import type { RequestRecord } from "@/db/queries/requests";',
      "export { requestsCsvStream } from '../db/queries/export';",
      "const m = await import('@/ingest/write');",
      "import { writeRows } from './write';",
      "import { SqliteRequestStore } from '@/db/sqlite/store';",
      "import '@/db/queries/retention';",
      "const h = require('../db/queries/ingest-health')",
    ];
    const file = 'ingest/sub.ts';
    for (const line of planted) expect(violations(line, file), line).toHaveLength(1);
    // Client behaviour and the other request-data reads of the SQLite store, from a page or from behaviour/.
    for (const [line, at] of [
      ["import { listLimits } from '@/db/queries/behaviour';", 'app/api/v1/behaviour/retries/route.ts'],
      ["import { hasIdempotencyKey } from '@/db/queries/behaviour';", 'app/(dashboard)/lookup/page.tsx'],
      ["import { getKeyDayCounts } from '../db/queries/behaviour';", 'behaviour/index.ts'],
      ["import { BehaviourBatch } from '@/db/queries/behaviour-facts';", 'alerts/evaluator.ts'],
      ["import type { KeySummary } from '@/db/queries/key-history';", 'components/keys/key-summary.tsx'],
      ["import { getMetaDb } from '@/db';", 'behaviour/index.ts'],
      ["import type { Db } from '@/db/client';", 'behaviour/chain.ts'],
      ["const n = getMetaDb().$client.prepare('SELECT count(*) FROM behaviour_limits').pluck().get();", 'app/metrics/route.ts'],
    ] as const) {
      expect(violations(line, at), `${at}: ${line}`).not.toEqual([]);
    }
    for (const ok of ["import type { BehaviourReads } from '@/db/store';", "import { getStore } from '@/db';", "import type { Summary } from '@/db/types';", "import { toRow } from './rows';", "import { getRetentionDays } from '@/db/queries/settings';"]) {
      expect(violations(ok, file), ok).toEqual([]);
    }
  });
});

describe('the layers', () => {
  // Everything but tests/ (which may drive a page or a route directly) and app/ itself.
  const PRODUCT = ['alerts', 'auth', 'behaviour', 'bench', 'cli', 'components', 'db', 'demo', 'ingest', 'lib', 'scripts'];
  const ROOT_FILES = ['instrumentation.ts', 'proxy.ts', 'next.config.ts', 'drizzle.config.ts'];

  test('lib/ imports only lib/, db/ no auth layer, HTTP or React, components/ neither app/ nor db/, and nothing imports app/', () => {
    const files = [...PRODUCT.flatMap(sourceFiles), ...ROOT_FILES.filter((f) => fs.existsSync(path.join(ROOT, f)))];
    expect(files.filter((f) => f.startsWith('lib/')).length).toBeGreaterThan(30);
    expect(files.filter((f) => f.startsWith('db/')).length).toBeGreaterThan(30);
    expect(files.filter((f) => f.startsWith('components/')).length).toBeGreaterThan(30);
    const found = files.flatMap((f) => layerViolations(fs.readFileSync(path.join(ROOT, f), 'utf8'), f));
    expect(found).toEqual([]);
  });

  test('every listed exception is still needed', () => {
    for (const key of Object.keys(LAYER_ALLOWED)) {
      const [file, mod] = key.split(' -> ');
      expect(imports(fs.readFileSync(path.join(ROOT, file), 'utf8'), file).map((i) => i.mod), key).toContain(mod);
    }
  });

  test('a planted import across a layer fails the check', () => {
    for (const [line, at] of [
      ["import { getMetaDb } from '@/db';", 'lib/csv.ts'],
      ["import type { RequestRecord } from '@/db/types';", 'lib/filters.ts'],
      ["import { requireAccess } from '@/auth';", 'lib/auth/cookies.ts'],
      ["import { announceFirstRun } from '../auth/first-run';", 'lib/env.ts'],
      ["import { behaviourStories } from '@/demo/traffic';", 'lib/catalog.ts'],
      ["import { LookupBox } from '../components/lookup/lookup-box';", 'lib/sub.ts'],
      ["import { hashPassword } from '@/lib/auth/cookies';", 'db/queries/users.ts'],
      ["import { requirePageUser } from '@/auth/page';", 'db/queries/sessions.ts'],
      ["import { NextResponse } from 'next/server';", 'db/queries/audit.ts'],
      ["import { cache } from 'react';", 'db/index.ts'],
      ["import { lookupAction } from '@/app/(dashboard)/lookup/actions';", 'components/lookup/lookup-box.tsx'],
      ["import type { Summary } from '@/db/types';", 'components/keys/summary-kpis.tsx'],
      ["import { getStore } from '../../db';", 'components/queries/use-stats.ts'],
      ["import { parseColumns } from '@/app/(dashboard)/errors/columns';", 'cli/commands/demo.ts'],
      ["const m = await import('../app/api/v1/health/route');", 'ingest/sub.ts'],
      ["import { x } from '@/app/page';", 'auth/guard.ts'],
    ] as const) {
      expect(layerViolations(line, at), `${at}: ${line}`).toHaveLength(1);
    }
    for (const [ok, at] of [
      ["import { hasRole } from '../roles';", 'lib/auth/cookies.ts'],
      ["import { z } from 'zod';", 'lib/openapi.ts'],
      ["import { USER_ROLES } from '../lib/roles';", 'db/schema.ts'],
      ["import { hashPassword } from '@/lib/password';", 'db/queries/users.ts'],
      ["import type { Summary } from '@/lib/api-types';", 'components/keys/summary-kpis.tsx'],
      ["import { lookupAction } from './lookup/actions';", 'app/(dashboard)/layout.tsx'],
      ["import { getMetaDb } from '@/db';", 'auth/guard.ts'],
      ["import { cookies } from 'next/headers';", 'auth/page.ts'],
    ] as const) {
      expect(layerViolations(ok, at), `${at}: ${ok}`).toEqual([]);
    }
  });
});
