// The vocabulary of alert rules, with no imports beyond lib/time-buckets: client components (the rule editor) use it.
import { HOUR_MS, MINUTE_MS } from './time-buckets';

/**
 * error_count: error records (status ≥ 400) matching the scope. error_rate: those errors over all requests of the
 * scope without its status/code/reason filters (so "5xx" scope gives the 5xx share of traffic). count: records
 * matching the scope, e.g. requests that got one code or one details.reason. retry_storms: responses that asked a
 * key to wait right after which its request rate jumped (client behaviour), in the scope's keys, routes, codes and
 * statuses; split by key or not at all.
 */
export const ALERT_MEASURES = ['error_count', 'error_rate', 'count', 'retry_storms'] as const;
export type AlertMeasure = (typeof ALERT_MEASURES)[number];

export const ALERT_KINDS = ['anomaly', 'threshold', 'no_data'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_SPLITS = ['key', 'code', 'route', 'tier'] as const;
export type AlertSplit = (typeof ALERT_SPLITS)[number];

/** 5 minutes pages; 1 hour warns. */
export const ALERT_WINDOWS = ['5m', '1h'] as const;
export type AlertWindow = (typeof ALERT_WINDOWS)[number];
export const WINDOW_MS: Record<AlertWindow, number> = { '5m': 5 * MINUTE_MS, '1h': HOUR_MS };
export const SEVERITY_OF: Record<AlertWindow, 'page' | 'warning'> = { '5m': 'page', '1h': 'warning' };

/** An alert's life: pending (first breach) → firing → resolved, or cleared from pending (alerts/state.ts). */
export const ALERT_STATES = ['pending', 'firing', 'resolved', 'cleared'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** Where a window's expected value came from: the same time of week, the trailing day, or no history (alerts/baseline.ts). */
export const BASELINE_SOURCES = ['seasonal', 'trailing_day', 'none'] as const;
export type BaselineSource = (typeof BASELINE_SOURCES)[number];

/** Where notifications go (alerts/delivery/channels.ts). */
export const ALERT_CHANNEL_TYPES = ['webhook', 'slack', 'email'] as const;
export type AlertChannelType = (typeof ALERT_CHANNEL_TYPES)[number];

/** A notification's state in the delivery log: pending (retried with backoff), delivered, failed for good, or skipped. */
export const ALERT_DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'skipped'] as const;
