// The OpenAPI document (lib/openapi.ts) describes every method of every route handler under app/api, with a schema
// for each JSON answer that has a body worth describing: a route or method added without its description fails here.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildOpenApi } from '@/lib/openapi';

const ROOT = path.resolve(__dirname, '../..');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** Route files the document leaves out, each with its reason. */
const NOT_DOCUMENTED: Record<string, string> = {
  '/api/{...path}': 'the catch-all that answers 404 not_found in the envelope for any path no route has',
};

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return routeFiles(p);
    return e.name === 'route.ts' ? [p] : [];
  });
}

/** app/api/v1/alerts/rules/[id]/route.ts → /api/v1/alerts/rules/{id}; folders starting with _ are not routes. */
function routePath(file: string): string {
  return `/${path.relative(path.join(ROOT, 'app'), path.dirname(file)).split(path.sep).map((s) => s.replace(/^\[(.+)\]$/, '{$1}')).join('/')}`;
}

function exportedMethods(source: string): string[] {
  return METHODS.filter((m) => new RegExp(`export (const|async function|function) ${m}\\b`).test(source));
}

const doc = buildOpenApi() as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };
const routes = routeFiles(path.join(ROOT, 'app/api')).map((file) => ({ file, route: routePath(file), methods: exportedMethods(fs.readFileSync(file, 'utf8')) }));

describe('the OpenAPI document covers every route handler', () => {
  test('the walk finds the routes (so the checks below check something)', () => {
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.find((r) => r.route === '/api/v1/admin/users/{id}')?.methods).toEqual(['PATCH']);
  });

  for (const { route, methods } of routes) {
    if (NOT_DOCUMENTED[route]) continue;
    test(`${route}: ${methods.join(', ')}`, () => {
      expect(methods.length, 'a route file with no handler').toBeGreaterThan(0);
      for (const m of methods) expect(doc.paths[route]?.[m.toLowerCase()], `${m} ${route} is not in the document`).toBeDefined();
    });
  }

  test('every schema an operation refers to is defined', () => {
    const refs = JSON.stringify(doc.paths).match(/#\/components\/schemas\/[A-Za-z]+/g) ?? [];
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of new Set(refs)) expect(doc.components.schemas[ref.split('/').at(-1)!], ref).toBeDefined();
  });

  test('the documented paths are routes (no path left behind by a removed handler)', () => {
    const known = new Set(routes.map((r) => r.route));
    for (const p of Object.keys(doc.paths)) expect(known.has(p), p).toBe(true);
  });
});
