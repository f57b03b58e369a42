// The same traffic sent over HTTP to two production servers, one on SQLite and one on a real 2-shard ClickHouse
// cluster (Debian clickhouse-server 18.16 + ZooKeeper): the overview, the explorer, request pages, key pages, a
// code page and the CSV exports, opened in Chromium as the same engineer, must show the same numbers.
import { chromium, type Browser, type Page } from '@playwright/test';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openDatabase } from '@/db/client';
import { createSession } from '@/db/queries/sessions';
import { createToken } from '@/db/queries/tokens';
import { createUser } from '@/db/queries/users';
import { SESSION_COOKIE } from '@/lib/auth/cookies';
import { trafficChunks } from '@/demo/traffic';
import { startCluster, type ClickHouseCluster } from '../support/clickhouse';
import { startServer, tempDatabasePath, type TestServer } from '../support/server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HOUR = 3_600_000;
const END = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
const START = END - 2 * 24 * HOUR;

interface Side {
  name: string;
  server: TestServer;
  cookie: string;
  ingest: string;
}

let cluster: ClickHouseCluster | undefined;
let browser: Browser | undefined;
const sides: Side[] = [];

async function startClusterWithRetry(): Promise<ClickHouseCluster> {
  // 18.16 occasionally crashes in its first ZooKeeper handshake (docs/clickhouse.md): a fresh start gets past it.
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startCluster({ name: 'errata_pages' });
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

async function openSide(name: string, env: Record<string, string>): Promise<Side> {
  const databasePath = tempDatabasePath(`errata-pages-${name}`);
  const db = openDatabase(databasePath);
  const { user } = await createUser(db, { email: 'eng@pages.test', role: 'engineer', password: 'pages-password-1' });
  const cookie = createSession(db, user.id).token;
  const ingest = createToken(db, { name: 'shipper', scopes: ['ingest'] }).token;
  db.$client.close();
  const server = await startServer({ databasePath, env: { ERRATA_RETENTION_DAYS: '30', ...env } });
  return { name, server, cookie, ingest };
}

beforeAll(async () => {
  cluster = await startClusterWithRetry();
  sides.push(await openSide('sqlite', {}));
  sides.push(await openSide('clickhouse', { CLICKHOUSE_URL: `${cluster.servers[0].url}/errata_pages`, CLICKHOUSE_CLUSTER: cluster.name }));
  for (const chunk of trafficChunks({ seed: 'clickhouse-pages', count: 12_000, start: START, end: END, keys: 30, duplicateFraction: 0.02, badLineFraction: 0.005 }, 2000)) {
    for (const s of sides) {
      const res = await fetch(`${s.server.baseUrl}/api/v1/ingest`, { method: 'POST', headers: { authorization: `Bearer ${s.ingest}`, 'content-type': 'application/x-ndjson' }, body: chunk });
      expect(res.status, `${s.name}: ${await res.clone().text()}`).toBe(200);
    }
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  for (const s of sides) await s.server.stop();
  await cluster?.stop();
});

async function pageOf(s: Side): Promise<Page> {
  const context = await browser!.newContext({ timezoneId: 'UTC', viewport: { width: 1440, height: 1000 } });
  await context.addCookies([{ name: SESSION_COOKIE, value: s.cookie, url: s.server.baseUrl }]);
  return context.newPage();
}

/** The page's main content as a user reads it, without what differs by server rather than by data. */
async function shown(page: Page, url: string): Promise<string> {
  const res = await page.goto(url, { waitUntil: 'networkidle' });
  expect(res?.status(), url).toBe(200);
  // Charts draw on the client after load, in their own time: their series are compared through the CSV below.
  const text = await page.locator('main').evaluate((main) => {
    const copy = main.cloneNode(true) as HTMLElement;
    for (const chart of copy.querySelectorAll('svg, .recharts-wrapper, .recharts-responsive-container')) chart.remove();
    document.body.appendChild(copy);
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a user reads (hidden parts excluded)
    const t = copy.innerText;
    copy.remove();
    return t;
  });
  return text.replace(/as of \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/g, 'as of (render time)').replace(/Queried in \d+ ms/g, 'Queried in (time)');
}

const range = `from=${encodeURIComponent(new Date(START).toISOString())}&to=${encodeURIComponent(new Date(END).toISOString())}`;

test('overview, explorer, code, key and request pages and the CSV exports show the same numbers on SQLite and on the cluster', async () => {
  const [sqlite, clickhouse] = sides;
  const a = await pageOf(sqlite);
  const b = await pageOf(clickhouse);
  const both = async (path: string) => {
    const left = await shown(a, `${sqlite.server.baseUrl}${path}`);
    const right = await shown(b, `${clickhouse.server.baseUrl}${path}`);
    expect(right, path).toBe(left);
    return left;
  };

  const overview = await both(`/?${range}`);
  expect(overview).toMatch(/\d{1,3}(,\d{3})+/); // thousands of requests: not an empty page compared with another
  await both(`/?${range}&interval=hour&tier=pro`);
  await both(`/errors?${range}`);
  await both(`/codes/rate_limited?${range}`);

  // Request and key pages of records the explorer lists first (the same on both sides, or the test above failed).
  const api = async (s: Side, path: string) => (await fetch(`${s.server.baseUrl}${path}`, { headers: { cookie: `${SESSION_COOKIE}=${s.cookie}` } })).json();
  const list = (await api(sqlite, `/api/v1/requests?${range}&status=4xx&limit=5`)) as { records: { request_id: string; key_id: string | null }[] };
  expect(list.records.length).toBe(5);
  expect(await api(clickhouse, `/api/v1/requests?${range}&status=4xx&limit=5`)).toEqual(list);
  for (const r of list.records.slice(0, 3)) await both(`/requests/${encodeURIComponent(r.request_id)}`);
  const key = list.records.find((r) => r.key_id)?.key_id;
  expect(key).toBeTruthy();
  await both(`/keys/${encodeURIComponent(key!)}?${range}`);

  for (const csv of [`/api/v1/export/requests.csv?${range}`, `/api/v1/export/breakdown.csv?by=key&${range}`, `/api/v1/export/timeseries.csv?interval=hour&${range}`]) {
    const left = await (await a.request.get(`${sqlite.server.baseUrl}${csv}`)).text();
    const right = await (await b.request.get(`${clickhouse.server.baseUrl}${csv}`)).text();
    expect(left.split('\n').length, csv).toBeGreaterThan(10);
    expect(right, csv).toBe(left);
  }
}, 600_000);
