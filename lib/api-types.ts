// The API's answers as TypeScript types, inferred from their zod schemas (lib/wire.ts): what the stores return, the
// route handlers send, components render and the client hooks fetch, whichever store produced it. No other module
// restates these shapes.
import type { z } from 'zod';
import type {
  alertChannelSchema,
  alertDeliverySchema,
  alertDetailSchema,
  alertEventSchema,
  alertRuleSchema,
  auditEntrySchema,
  backtestSchema,
  breakdownRowSchema,
  breakdownSchema,
  catalogInfoSchema,
  createdTokenSchema,
  channelTestSchema,
  countsSchema,
  filterValuesSchema,
  healthSchema,
  ingestResultSchema,
  futileRepeatSchema,
  idempotencyChainSchema,
  keyBehaviourSchema,
  keyDayVerdictSchema,
  keyInsightSchema,
  limitRecordSchema,
  lookupResultSchema,
  metricSchema,
  requestDetailSchema,
  recordErrorSchema,
  requestPageSchema,
  requestRecordSchema,
  summarySchema,
  timelineEntrySchema,
  timeseriesSchema,
  tokenSchema,
  userSchema,
} from './wire';

/** One stored record as the API, the pages and the CSV export show it; `code` is null for a success record. */
export type RequestRecord = z.infer<typeof requestRecordSchema>;
export type CatalogInfo = z.infer<typeof catalogInfoSchema>;
/** A neighbouring request of the same key: no details, message or catalog (join the catalog by `code`). */
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;
export type RequestDetail = z.infer<typeof requestDetailSchema>;
/** What the same key did around a request (GET /api/v1/requests/{request_id} `around`). */
export type AroundKey = NonNullable<RequestDetail['around']>;
export type RequestPage = z.infer<typeof requestPageSchema>;
export type Metric = z.infer<typeof metricSchema>;
export type Summary = z.infer<typeof summarySchema>;
export type BreakdownRow = z.infer<typeof breakdownRowSchema>;
export type Breakdown = z.infer<typeof breakdownSchema>;
/** Requests and errors of a bucket or group, as the rule counts them (lib/error-rate.ts). */
export type Counts = z.infer<typeof countsSchema>;
export type Timeseries = z.infer<typeof timeseriesSchema>;
export type TimeseriesBucket = Timeseries['buckets'][number];
export type FilterValues = z.infer<typeof filterValuesSchema>;
export type LookupAnswer = z.infer<typeof lookupResultSchema>;
/** A limit and what the key did next, as the API and CSV show it. */
export type LimitRecord = z.infer<typeof limitRecordSchema>;
/** A response repeating a code that cannot succeed, which the key had already received within FUTILE_WINDOW_MS. */
export type FutileRepeat = z.infer<typeof futileRepeatSchema>;
export type KeyDayVerdict = z.infer<typeof keyDayVerdictSchema>;
export type KeyBehaviour = z.infer<typeof keyBehaviourSchema>;
export type IdempotencyChain = z.infer<typeof idempotencyChainSchema>;
/** An alert rule as the API shows it: its spec (lib/alert-rules.ts) with its id, default key, silence and times. */
export type AlertRule = z.infer<typeof alertRuleSchema>;
export type AlertEvent = z.infer<typeof alertEventSchema>;
export type AlertDetail = z.infer<typeof alertDetailSchema>;
export type AlertBacktest = z.infer<typeof backtestSchema>;
export type AlertChannel = z.infer<typeof alertChannelSchema>;
export type ChannelTest = z.infer<typeof channelTestSchema>;
export type AlertDelivery = z.infer<typeof alertDeliverySchema>;
export type IngestResult = z.infer<typeof ingestResultSchema>;
export type RecordError = z.infer<typeof recordErrorSchema>;
export type Health = z.infer<typeof healthSchema>;
export type UserInfo = z.infer<typeof userSchema>;
export type TokenInfo = z.infer<typeof tokenSchema>;
export type CreatedToken = z.infer<typeof createdTokenSchema>;
export type AuditEntry = z.infer<typeof auditEntrySchema>;
/** What a key's recent history says about one of its errors (lib/key-insight.ts explains it). */
export type KeyInsight = z.infer<typeof keyInsightSchema>;

/**
 * A store's answer to a pasted text (RequestStore.supportLookup): the facts lookupAnswer (components/lookup) words into
 * POST /api/v1/requests/lookup and the lookup page. Defined here so that wording never reaches into db/.
 */
export interface SupportFound {
  request_id: string;
  /** The id as the text wrote it, when it matched only as a prefix variant (`REQ_x` for `req_x`). */
  asked: string | null;
  records: RequestRecord[];
  /** The record the answer is about: its error, else its only record. */
  main: RequestRecord;
  insight: KeyInsight | null;
}

export interface SupportMissing {
  id: string;
  did_you_mean: string[];
}

export interface SupportLookup {
  candidates: string[];
  truncated: boolean;
  found: SupportFound[];
  missing: SupportMissing[];
  not_ids: string[];
  retention_days: number;
  newest_record_ms: number | null;
}
