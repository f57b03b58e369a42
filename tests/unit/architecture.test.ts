// The store seam holds: pages, handlers, components, the CLI and the ingest pipeline reach request data only
// through the RequestStore interface (db/store.ts, opened by db/index.ts getStore or db/open-store.ts), never
// through the SQLite query modules, the SQLite write path or a concrete store.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const GUARDED = ['app', 'cli', 'components', 'ingest'];

/** Modules that are one store's implementation (paths from the root, without extension). */
const FORBIDDEN: { target: RegExp; why: string }[] = [
  { target: /^db\/queries\/(requests|stats|export|ingest-health|retention)$/, why: 'a SQLite query module for request data: use the RequestStore' },
  { target: /^ingest\/write$/, why: 'the SQLite write path: use RequestStore.writeBatch / recordRejectedBatch' },
  { target: /^db\/sqlite(\/|$)/, why: 'a concrete store: depend on the RequestStore interface (getStore / openRequestStore)' },
  { target: /^db\/clickhouse(\/|$)/, why: 'a concrete store: depend on the RequestStore interface (getStore / openRequestStore)' },
];

/** Files allowed to import a forbidden module, each with its reason. None today: the wiring lives in db/open-store.ts. */
const ALLOWED: Record<string, string> = {};

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])([^'"\n]+)\1/gm;

/** The repo-relative module (no extension, no /index) each import of `source` names, for imports of our own code. */
export function importedModules(source: string, file: string): string[] {
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

export function violations(source: string, file: string): string[] {
  if (ALLOWED[file]) return [];
  const out: string[] = [];
  for (const mod of importedModules(source, file)) {
    for (const f of FORBIDDEN) if (f.target.test(mod)) out.push(`${file} imports ${mod}: ${f.why}`);
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
  test('app/, cli/, components/ and ingest/ import no store implementation', () => {
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
    for (const ok of ["import { getStore } from '@/db';", "import type { Summary } from '@/db/types';", "import { toRow } from './rows';", "import { getRetentionDays } from '@/db/queries/settings';"]) {
      expect(violations(ok, file), ok).toEqual([]);
    }
  });
});
