// lib/metrics.ts: the route label set is the app's route files, and nothing a client sends can grow it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROUTE_TEMPLATES, routeLabel } from '@/lib/metrics';

const appDir = path.resolve(__dirname, '../../app');

/** Every route.ts under app/, as a URL template: route groups dropped, [x] → {x}, the catch-all left out. */
function routeFiles(dir = appDir, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isFile() && e.name === 'route.ts' && prefix !== '') out.push(prefix);
    if (!e.isDirectory()) continue;
    if (e.name.startsWith('[...')) continue;
    const seg = e.name.startsWith('(') ? '' : `/${e.name.replace(/^\[(.+)\]$/, '{$1}')}`;
    out.push(...routeFiles(path.join(dir, e.name), prefix + seg));
  }
  return out;
}

describe('route labels', () => {
  test('ROUTE_TEMPLATES lists exactly the route files', () => {
    expect([...ROUTE_TEMPLATES].sort()).toEqual(routeFiles().sort());
  });

  test('paths map to their template; static segments win over parameters; anything else is other', () => {
    expect(routeLabel('/api/v1/requests/lookup')).toBe('/api/v1/requests/lookup');
    expect(routeLabel('/api/v1/requests/req_abc123')).toBe('/api/v1/requests/{request_id}');
    expect(routeLabel('/api/v1/admin/tokens/17')).toBe('/api/v1/admin/tokens/{id}');
    expect(routeLabel('/api/v1/ingest')).toBe('/api/v1/ingest');
    expect(routeLabel('/api/v1/otlp/v1/logs')).toBe('/api/v1/otlp/v1/logs');
    expect(routeLabel('/metrics')).toBe('/metrics');
    expect(routeLabel('/api/v1/requests/a/b')).toBe('other');
    expect(routeLabel('/api/v1/whatever-a-scanner-tries')).toBe('other');
    expect(routeLabel('/api/v1/export/requests.csvX')).toBe('other');
  });
});
