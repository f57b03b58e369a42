// The main pages, with the role that may open them and data global-setup seeded for them.
import { seedInfo, type Role } from './e2e-env';

export interface MainPage {
  name: string;
  /** Resolved inside a test: seed.json exists only once global-setup has run, after tests are collected. */
  path: () => string;
  role: Role | null;
  /** A locator that shows the page has rendered its data. */
  ready: string;
}

function noTotalsPath(): string {
  const s = seedInfo();
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  return `/?from=${iso(s.no_totals_from_ms - 3 * 3_600_000)}&to=${iso(s.no_totals_to_ms + 3 * 3_600_000)}`;
}

export const MAIN_PAGES: MainPage[] = [
  { name: 'overview', path: () => '/', role: 'engineer', ready: '[data-testid="chart-bar"] .recharts-bar-rectangle' },
  { name: 'overview-filtered', path: () => '/?from=now-7d&by=code&tier=pro', role: 'engineer', ready: '[data-testid="chart-bar"] .recharts-bar-rectangle' },
  { name: 'overview-empty', path: () => '/?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z', role: 'engineer', ready: '[data-state="empty"]' },
  { name: 'overview-no-totals', path: () => noTotalsPath(), role: 'engineer', ready: '[data-state="no-totals"]' },
  { name: 'errors', path: () => '/errors', role: 'support', ready: '[data-testid="errors-table"]' },
  { name: 'request', path: () => '/requests/req_spike_00000', role: 'support', ready: 'h1' },
  { name: 'lookup', path: () => '/lookup?q=req_spike_00001%20req_spike_00002%20req_unknown_12345', role: 'support', ready: 'h1' },
  { name: 'key', path: () => `/keys/${encodeURIComponent(seedInfo().busy_key)}`, role: 'engineer', ready: 'h1' },
  { name: 'code', path: () => '/codes/capacity_exceeded', role: 'engineer', ready: 'h1' },
  { name: 'ingest', path: () => '/ingest', role: 'admin', ready: 'h1' },
  { name: 'admin', path: () => '/admin', role: 'admin', ready: 'h1' },
  { name: 'alert-channels', path: () => '/alerts/channels', role: 'admin', ready: 'h1' },
  { name: 'alert-deliveries', path: () => '/alerts/deliveries', role: 'admin', ready: 'h1' },
  { name: 'login', path: () => '/login', role: null, ready: 'h1' },
];
