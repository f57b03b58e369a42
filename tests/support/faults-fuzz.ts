// fast-check arbitraries for garbage ingest input. Every generated line says what the contract requires of it:
// 'dup' (a valid record whose (request_id, code) is already stored: counted as a duplicate), 'reject' (its own
// per-record error, with the code and field), or 'either' (valid or not, but never stored anew, never a 5xx).
// Nothing generated can create a row, so "no stored row changes" is an exact digest comparison.
import fc from 'fast-check';
import { FIELD_ALIASES } from '@/ingest/normalize';
import { CATALOG } from '@/lib/catalog';

export type Expect = { kind: 'dup' } | { kind: 'either' } | { kind: 'reject'; codes: readonly string[]; field?: string };

export interface FuzzLine {
  bytes: Uint8Array;
  expect: Expect;
  label: string;
}

/** Counterexamples print as readable text, cut short (a line may be 270 KiB of nesting). */
function printable(l: { bytes: Uint8Array; expect: Expect; label: string }): FuzzLine {
  const text = Buffer.from(l.bytes).toString('utf8');
  const shown = text.length > 300 ? `${text.slice(0, 200)}…(${l.bytes.byteLength} bytes)…${text.slice(-60)}` : text;
  return Object.assign(l, { [fc.toStringMethod]: () => `${l.label} [${l.expect.kind}]: ${JSON.stringify(shown)}` });
}

const enc = new TextEncoder();
const DAY_MS = 86_400_000;

export const BASE_IDS = 40;
/** '' (success) and every catalog code: a fuzz record keyed by any of them is a duplicate. */
export const BASE_CODES: readonly string[] = ['', ...CATALOG.map((e) => e.code)];
const statusOf = new Map<string, number>([['', 200], ...CATALOG.map((e) => [e.code, e.status] as [string, number])]);

export const baseId = (i: number) => `req_fzbase_${i}`;

/** The rows the fuzz run may never change: BASE_IDS ids × every code. */
export function baselineNdjson(nowMs: number): string {
  const lines: string[] = [];
  for (let i = 0; i < BASE_IDS; i++) {
    for (const code of BASE_CODES) {
      const rec: Record<string, unknown> = {
        request_id: baseId(i),
        timestamp: new Date(nowMs - 3_600_000 - i * 60_000).toISOString(),
        status: statusOf.get(code),
        method: 'GET',
        path: `/v1/models/${i}`,
        key_id: `key_${i % 7}`,
        tier: 'pro',
        latency_ms: i,
      };
      if (code) rec.error = { code, message: 'baseline', details: { reason: 'daily_quota' } };
      lines.push(JSON.stringify(rec));
    }
  }
  return lines.join('\n') + '\n';
}

// ---- raw-text placeholders: values JSON.stringify cannot produce (deep nesting, bytes that are not UTF-8) ----

interface Raw {
  /** Replaces the JSON string "\u0002RAWn\u0002" in the serialized record. */
  bytes: Uint8Array;
}
const RAW_MARK = '\u0002RAW';

function serialize(obj: unknown, raws: Raw[]): Uint8Array {
  const text = JSON.stringify(obj);
  if (raws.length === 0) return enc.encode(text);
  const parts: Uint8Array[] = [];
  let rest = text;
  for (;;) {
    const at = rest.indexOf(`"\\u0002RAW`);
    if (at === -1) break;
    const end = rest.indexOf('\\u0002"', at + 10);
    const n = Number(rest.slice(at + 10, end));
    parts.push(enc.encode(rest.slice(0, at)), raws[n].bytes);
    rest = rest.slice(end + 7);
  }
  parts.push(enc.encode(rest));
  return Buffer.concat(parts);
}

function placeholder(raws: Raw[], bytes: Uint8Array): string {
  raws.push({ bytes });
  return `${RAW_MARK}${raws.length - 1}\u0002`;
}

/** JSON text nested `depth` levels deep (arrays or objects). */
function deepJson(depth: number, objects: boolean): Uint8Array {
  return enc.encode(objects ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth) + ']'.repeat(depth));
}

/** A JSON string literal holding bytes a UTF-8 encoder never emits, or raw control bytes (invalid JSON). */
const badStringBytes = fc.oneof(
  fc.constantFrom(
    [0xff],
    [0xc0, 0x80], // overlong NUL
    [0xed, 0xa0, 0x80], // UTF-16 surrogate as UTF-8
    [0x80],
    [0xe2, 0x82], // truncated sequence
    [0xf8, 0x88, 0x80, 0x80, 0x80],
    [0x00],
    [0x01],
    [0x1f],
    [0x0d],
    [0x09],
    [0x7f],
  ),
  fc
    .array(fc.integer({ min: 0, max: 255 }).filter((b) => b !== 0x0a && b !== 0x22 && b !== 0x5c), { minLength: 1, maxLength: 12 })
    // At least one byte that is not visible ASCII: otherwise it is just a valid string.
    .filter((bs) => bs.some((b) => b < 0x21 || b > 0x7e)),
).map((bs) => Buffer.concat([Buffer.from('"x'), Buffer.from(bs), Buffer.from('y"')]));

// ---- valid pieces ----

const validTimestamp = (nowMs: number) =>
  fc
    .tuple(fc.integer({ min: 0, max: 28 * DAY_MS }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 999 }))
    .map(([ago, form, ms]) => {
      const t = nowMs - ago - (ago % 1000) + ms;
      const s = Math.floor(t / 1000);
      const iso = new Date(t).toISOString();
      switch (form) {
        case 0:
          return iso;
        case 1:
          return iso.replace('Z', '+00:00');
        case 2:
          return new Date(t + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
        case 3:
          return iso.replace(/\.\d+Z$/, `.${String(ms).padStart(3, '0')}123456Z`);
        case 4:
          return iso.replace('T', ' ');
        case 5:
          return s;
        case 6:
          return t;
        case 7:
          return t / 1000;
        case 8:
          return t * 1000; // microseconds
        case 9:
          return String(s);
        case 10:
          return ` ${t} `;
        case 11:
          return iso.toLowerCase();
        default:
          return new Date(t - 5 * 3_600_000).toISOString().replace('Z', '-0500').replace(/\.\d+/, '');
      }
    });

/** Every alias of a field, as a literal key or (dotted names) as nested objects. */
function placeAlias(target: Record<string, unknown>, name: string, value: unknown, nested: boolean) {
  if (!nested || !name.includes('.')) {
    target[name] = value;
    return;
  }
  const parts = name.split('.');
  let cur = target;
  for (const p of parts.slice(0, -1)) {
    cur[p] ??= {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

const noiseKey = fc.string({ minLength: 1, maxLength: 12 }).map((s) => `x_fz_${s}`);
const noise = fc.dictionary(noiseKey, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });

export interface DupCore {
  record: Record<string, unknown>;
  raws: Raw[];
}

/** A valid record for a baseline key, in any alias, envelope form, time form and collector wrapping. */
export const dupRecord = (nowMs: number) =>
  fc
    .record({
      i: fc.nat(BASE_IDS - 1),
      code: fc.constantFrom(...BASE_CODES),
      ts: validTimestamp(nowMs),
      idAlias: fc.constantFrom(...FIELD_ALIASES.request_id),
      tsAlias: fc.constantFrom(...FIELD_ALIASES.timestamp),
      statusAlias: fc.constantFrom(...FIELD_ALIASES.status),
      nested: fc.boolean(),
      statusForm: fc.integer({ min: 0, max: 3 }),
      anyStatus: fc.integer({ min: 100, max: 599 }),
      envForm: fc.integer({ min: 0, max: 6 }),
      bodyAlias: fc.constantFrom(...FIELD_ALIASES.response_body, 'body'),
      wraps: fc.array(fc.record({ key: fc.constantFrom('log', 'message'), asString: fc.boolean(), extra: fc.constantFrom(0, 1, 2, 3) }), { maxLength: 2 }),
      noise,
    })
    .map((g): DupCore => {
      const id = baseId(g.i);
      const rec: Record<string, unknown> = { ...g.noise };
      const status = g.statusForm === 0 ? statusOf.get(g.code)! : g.statusForm === 1 ? g.anyStatus : g.statusForm === 2 ? String(g.anyStatus) : ` ${g.anyStatus}`;
      placeAlias(rec, g.tsAlias, g.ts, g.nested);
      placeAlias(rec, g.statusAlias, status, g.nested);
      const inner = { code: g.code, message: 'fuzz', details: { reason: 'platform_queue' }, request_id: id };
      let idInEnvelopeOnly = false;
      if (g.code === '') {
        placeAlias(rec, g.idAlias, id, g.nested);
      } else {
        // The envelope as an object, a whole envelope, a JSON string, a response body, or bare error_code.
        if (g.envForm === 6) idInEnvelopeOnly = true;
        else placeAlias(rec, g.idAlias, id, g.nested);
        switch (g.envForm) {
          case 0:
          case 6:
            rec.error = inner;
            break;
          case 1:
            rec.error = { error: inner };
            break;
          case 2:
            rec.error = JSON.stringify(inner);
            break;
          case 3:
            rec[g.bodyAlias] = JSON.stringify({ error: inner });
            break;
          case 4:
            rec.error_code = g.code;
            break;
          default:
            rec.errorCode = g.code;
            rec.error_details = { used: 3, limit: 2 };
        }
      }
      let cur: Record<string, unknown> = rec;
      for (const [depth, w] of g.wraps.entries()) {
        // A collector's object wrapper is unwrapped only when the object itself names the request id.
        const asObject = !w.asString && depth === 0 && !idInEnvelopeOnly;
        const outer: Record<string, unknown> = { [w.key]: asObject ? cur : JSON.stringify(cur) };
        if (w.extra === 1) Object.assign(outer, { stream: 'stdout', '@version': '1', host: 'gw-1' });
        if (w.extra === 2) Object.assign(outer, { date: 1_700_000_000.25, source_type: 'docker' });
        if (w.extra === 3) Object.assign(outer, { '@timestamp': new Date(nowMs).toISOString() });
        cur = outer;
      }
      return { record: cur, raws: [] };
    });

// ---- garbage for optional fields: the record stays a duplicate or is rejected, never stored anew ----

const OPTIONAL_FIELDS = [
  ...FIELD_ALIASES.method,
  ...FIELD_ALIASES.path,
  ...FIELD_ALIASES.route,
  ...FIELD_ALIASES.latency_ms,
  ...FIELD_ALIASES.key_id,
  ...FIELD_ALIASES.account_id,
  ...FIELD_ALIASES.tier,
  'details',
  'message_text',
];

const garbageValue = fc.oneof(
  fc.constantFrom<unknown>(
    true,
    false,
    0,
    -1,
    1e308,
    -1e-308,
    [],
    {},
    '',
    ' ',
    'a\u0000b',
    'x\u0001y\u0001z',
    '\u0001',
    '\ud800',
    '\udfff\ud800',
    '\u202e\u0000',
    'NaN',
    '-0',
    '9'.repeat(400),
    '\t\r',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.jsonValue({ maxDepth: 4 }),
  fc.integer({ min: 1, max: 3 }).map((k) => 'y'.repeat(k === 1 ? 3000 : k === 2 ? 70_000 : 200_000)),
);

const deepSpec = fc.record({ depth: fc.constantFrom(64, 1000, 5000, 20_000, 100_000), objects: fc.boolean() });

export const eitherRecord = (nowMs: number) =>
  fc
    .record({
      core: dupRecord(nowMs),
      field: fc.constantFrom(...OPTIONAL_FIELDS),
      value: garbageValue,
      special: fc.integer({ min: 0, max: 9 }),
      deep: deepSpec,
      bad: badStringBytes,
      where: fc.constantFrom('details', 'message', 'tier', 'key_id', 'route'),
    })
    .map((g): DupCore => {
      // Garbage goes into the innermost record (the one holding the fields).
      const raws: Raw[] = [];
      const rec = innermost(g.core.record);
      if (g.special <= 5) {
        rec[g.field === 'message_text' ? 'error_message' : g.field] = g.value;
      } else if (g.special <= 7) {
        // Deep nesting where the pipeline stores or serialises it (details, error.message) or checks it.
        const val = placeholder(raws, deepJson(g.deep.depth, g.deep.objects));
        if (g.where === 'details' || g.where === 'message') {
          if (rec.error && typeof rec.error === 'object') (rec.error as Record<string, unknown>)[g.where] = g.where === 'details' ? { deep: val } : val;
          else rec[g.where === 'details' ? 'error_details' : 'error_message'] = g.where === 'details' ? { deep: val } : val;
        } else rec[g.where] = val;
      } else {
        rec[g.where === 'details' || g.where === 'message' ? 'tier' : g.where] = placeholder(raws, g.bad);
      }
      return { record: g.core.record, raws };
    });

/** The record inside collector wrappers that are still objects (string wrappers are left alone). */
function innermost(rec: Record<string, unknown>): Record<string, unknown> {
  let cur = rec;
  for (let i = 0; i < 3; i++) {
    const inner = [cur.log, cur.message].find((v) => v && typeof v === 'object') as Record<string, unknown> | undefined;
    if (!inner) break;
    cur = inner;
  }
  return cur;
}

// ---- definite rejections: new request ids, so a wrong "accept" would change the store ----

let newIds = 0;
const newId = () => `req_fznew_${process.pid}_${newIds++}`;

const goodNew = (nowMs: number) => ({ request_id: newId(), timestamp: new Date(nowMs - 60_000).toISOString(), status: 200 });

const BAD_IDS: unknown[] = [true, false, {}, [], [1], 1.5, -3, 'a b', 'ü', 'x'.repeat(129), 'tab\there', 'nul\u0000', '\u007f', 'emoji😀', { id: 'x' }];
const MISSING: unknown[] = [undefined, null, ''];
const BAD_TS: unknown[] = [
  true,
  {},
  [],
  'yesterday',
  '2026-11-25T10:00:00',
  '2026-02-30T00:00:00Z',
  '2026-11-25T25:00:00Z',
  '2026-13-01T00:00:00Z',
  '11/25/2026 10:00',
  0,
  -5,
  1e300,
  946_684_799,
  4_102_444_800,
  '1e5',
  'NaN',
  '0x5f5e100',
];
const BAD_STATUS: unknown[] = ['abc', 99, 600, 200.5, true, {}, [], '2xx', -200, '20 0', '1000', 0, 1e9];

export const rejectRecord = (nowMs: number) =>
  fc
    .record({
      kind: fc.integer({ min: 0, max: 9 }),
      field: fc.constantFrom('request_id', 'timestamp', 'status'),
      badId: fc.constantFrom(...BAD_IDS),
      missing: fc.constantFrom(...MISSING),
      badTs: fc.constantFrom(...BAD_TS),
      badStatus: fc.constantFrom(...BAD_STATUS),
      cut: fc.double({ min: 0, max: 1, noNaN: true }),
      scalar: fc.constantFrom('42', '"just a string"', 'true', 'null', '-0.5e3', '"{\\"request_id\\":1}"'),
      broken: fc.constantFrom('{foo}', '{"a":}', '{"request_id":"x",}', 'NaN', "{'a':1}", '{"a":1}}', '{"a" 1}', '}{', '{"a":"\\x41"}', '{"a":01}'),
      bad: badStringBytes,
      noise,
    })
    .map((g): { bytes: Uint8Array; expect: Expect; label: string } => {
      const rec: Record<string, unknown> = { ...goodNew(nowMs), ...g.noise };
      switch (g.kind) {
        case 0:
        case 1: {
          const full = JSON.stringify(rec);
          const at = 1 + Math.floor(g.cut * (full.length - 2));
          return { bytes: enc.encode(full.slice(0, at)), expect: { kind: 'reject', codes: ['invalid_json'] }, label: 'truncated' };
        }
        case 2:
          return { bytes: enc.encode(g.scalar), expect: { kind: 'reject', codes: ['not_an_object'] }, label: 'scalar' };
        case 3:
          return { bytes: enc.encode(g.broken), expect: { kind: 'reject', codes: ['invalid_json'] }, label: 'broken json' };
        case 4: {
          if (g.missing === undefined) delete rec[g.field];
          else rec[g.field] = g.missing;
          return { bytes: enc.encode(JSON.stringify(rec)), expect: { kind: 'reject', codes: ['missing_field'], field: g.field }, label: `missing ${g.field}` };
        }
        case 5:
          rec.request_id = g.badId;
          return { bytes: enc.encode(JSON.stringify(rec)), expect: { kind: 'reject', codes: ['invalid_field'], field: 'request_id' }, label: 'bad request_id' };
        case 6:
          rec.timestamp = g.badTs;
          return { bytes: enc.encode(JSON.stringify(rec)), expect: { kind: 'reject', codes: ['invalid_field'], field: 'timestamp' }, label: 'bad timestamp' };
        case 7:
          rec.status = g.badStatus;
          return { bytes: enc.encode(JSON.stringify(rec)), expect: { kind: 'reject', codes: ['invalid_field'], field: 'status' }, label: 'bad status' };
        case 8: {
          const raws: Raw[] = [];
          rec.request_id = placeholder(raws, g.bad);
          return { bytes: serialize(rec, raws), expect: { kind: 'reject', codes: ['invalid_json', 'invalid_field'] }, label: 'bytes in request_id' };
        }
        default: {
          // Larger than the per-record cap (256 KiB): its own error, the rest of the batch unaffected.
          rec.path = '/' + 'p'.repeat(270 * 1024);
          return { bytes: enc.encode(JSON.stringify(rec)), expect: { kind: 'reject', codes: ['record_too_large'] }, label: 'record too large' };
        }
      }
    });

/** One line of a fuzz batch: 35 % duplicates, 30 % garbage-in-optional-fields, 35 % definite rejections. */
export const fuzzLine = (nowMs: number): fc.Arbitrary<FuzzLine> =>
  fc
    .oneof(
      { weight: 35, arbitrary: dupRecord(nowMs).map((d) => ({ bytes: serialize(d.record, d.raws), expect: { kind: 'dup' } as Expect, label: 'dup' })) },
      { weight: 30, arbitrary: eitherRecord(nowMs).map((d) => ({ bytes: serialize(d.record, d.raws), expect: { kind: 'either' } as Expect, label: 'garbage field' })) },
      { weight: 35, arbitrary: rejectRecord(nowMs) },
    )
    .map(printable);

/** A batch: a known duplicate first (so the body reads as NDJSON), then up to `max` fuzz lines. */
export const fuzzBatch = (nowMs: number, max: number) =>
  fc.array(fuzzLine(nowMs), { minLength: Math.floor(max / 2), maxLength: max }).map((lines) => {
    const first = printable({
      bytes: enc.encode(JSON.stringify({ request_id: baseId(0), timestamp: nowMs - 1000, status: 200 })),
      expect: { kind: 'dup' },
      label: 'first',
    });
    return [first, ...lines];
  });

export function joinLines(lines: readonly FuzzLine[], crlf = false): Buffer {
  const sep = Buffer.from(crlf ? '\r\n' : '\n');
  const parts: Buffer[] = [];
  lines.forEach((l, i) => {
    if (i) parts.push(sep);
    parts.push(Buffer.from(l.bytes));
  });
  return Buffer.concat(parts);
}

export interface BatchAnswer {
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: Array<{ line: number; code: string; message: string; field?: string }>;
}

/** Every way an answer can break the contract for this batch; empty when it keeps it. */
export function batchProblems(lines: readonly FuzzLine[], r: BatchAnswer): string[] {
  const p: string[] = [];
  if (r.accepted !== 0) p.push(`accepted ${r.accepted} (nothing here may be stored anew)`);
  if (r.accepted + r.duplicates + r.rejected !== lines.length) p.push(`counts ${r.accepted}+${r.duplicates}+${r.rejected} != ${lines.length} lines`);
  if (r.errors.length !== Math.min(r.rejected, 100)) p.push(`${r.errors.length} errors listed for ${r.rejected} rejected`);
  const byLine = new Map(r.errors.map((e) => [e.line, e]));
  for (const e of r.errors) {
    if (!Number.isInteger(e.line) || e.line < 1 || e.line > lines.length) p.push(`error line ${e.line} out of range`);
    if (typeof e.code !== 'string' || !e.code || typeof e.message !== 'string' || !e.message) p.push(`error without code/message: ${JSON.stringify(e)}`);
  }
  if (r.rejected > 100) return p; // only the first 100 are listed
  lines.forEach((l, i) => {
    const e = byLine.get(i + 1);
    if (l.expect.kind === 'dup' && e) p.push(`line ${i + 1} (${l.label}) is valid but was rejected: ${e.code} ${e.message}`);
    if (l.expect.kind === 'reject') {
      if (!e) p.push(`line ${i + 1} (${l.label}) should be rejected: ${Buffer.from(l.bytes).toString('utf8').slice(0, 160)}`);
      else if (!l.expect.codes.includes(e.code)) p.push(`line ${i + 1} (${l.label}) rejected as ${e.code}, expected ${l.expect.codes.join('|')}`);
      else if (l.expect.field && e.field !== l.expect.field) p.push(`line ${i + 1} (${l.label}) field ${e.field}, expected ${l.expect.field}`);
    }
  });
  return p;
}

// ---- valid but odd: fresh records whose dimensions hold any text the validator lets through ----

const oddText = fc.oneof(
  fc.constantFrom('x\u0001y', '\u0001', 'a\u0000b', 'tab\tin', '\u00a0nbsp', 'émoji😀', '\ud800', 'a|b', 'a,b', '"q"', "o'k", '\\', '%s', 'null', '0'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
);

let freshIds = 0;
/** A fresh valid record with odd text in every free-text dimension; `stored` is what `requests` must hold. */
export const oddValidRecord = (nowMs: number) =>
  fc
    .record({
      ts: fc.integer({ min: 0, max: 20 * DAY_MS }),
      code: fc.constantFrom(...BASE_CODES),
      status: fc.integer({ min: 100, max: 599 }),
      tier: fc.option(oddText),
      key_id: fc.option(oddText),
      account_id: fc.option(oddText),
      route: fc.option(oddText),
      method: fc.option(fc.string({ unit: 'binary', minLength: 1, maxLength: 16 })),
      reason: fc.option(oddText),
    })
    .map((g) => {
      const request_id = `req_fzodd_${process.pid}_${freshIds++}`;
      const wire: Record<string, unknown> = { request_id, timestamp: nowMs - g.ts, status: g.status };
      for (const k of ['tier', 'key_id', 'account_id', 'route', 'method'] as const) if (g[k] !== null) wire[k] = g[k];
      if (g.code) wire.error = { code: g.code, message: 'odd', details: g.reason === null ? {} : { reason: g.reason } };
      return { wire, request_id, code: g.code };
    });

// ---- MessagePack, as Fluent Bit's http output sends it ----

/** Fluent Bit's EventTime (ext type 0: big-endian seconds and nanoseconds). */
export class EventTime {
  constructor(readonly ms: number) {}
}

/** A small MessagePack encoder: enough for log records (nil, bool, numbers, strings, arrays, maps, EventTime). */
export function msgpack(v: unknown): Buffer {
  const parts: Buffer[] = [];
  const head = (small: number, fix: number, b8: number | null, b16: number, b32: number, n: number) => {
    if (n < small) parts.push(Buffer.from([fix | n]));
    else if (b8 !== null && n < 256) parts.push(Buffer.from([b8, n]));
    else if (n < 65536) parts.push(Buffer.from([b16, n >> 8, n & 0xff]));
    else {
      const b = Buffer.alloc(5);
      b[0] = b32;
      b.writeUInt32BE(n, 1);
      parts.push(b);
    }
  };
  const enc = (x: unknown): void => {
    if (x === null || x === undefined) parts.push(Buffer.from([0xc0]));
    else if (x === true || x === false) parts.push(Buffer.from([x ? 0xc3 : 0xc2]));
    else if (x instanceof EventTime) {
      const b = Buffer.alloc(10);
      b[0] = 0xd7;
      b[1] = 0;
      b.writeUInt32BE(Math.floor(x.ms / 1000), 2);
      b.writeUInt32BE((x.ms % 1000) * 1e6, 6);
      parts.push(b);
    } else if (typeof x === 'number') {
      if (Number.isInteger(x) && x >= 0 && x < 128) parts.push(Buffer.from([x]));
      else if (Number.isInteger(x) && x >= -(2 ** 31) && x < 2 ** 31) {
        const b = Buffer.alloc(5);
        b[0] = 0xd2;
        b.writeInt32BE(x, 1);
        parts.push(b);
      } else {
        const b = Buffer.alloc(9);
        b[0] = 0xcb;
        b.writeDoubleBE(x, 1);
        parts.push(b);
      }
    } else if (typeof x === 'string') {
      const s = Buffer.from(x, 'utf8');
      head(32, 0xa0, 0xd9, 0xda, 0xdb, s.length);
      parts.push(s);
    } else if (Array.isArray(x)) {
      head(16, 0x90, null, 0xdc, 0xdd, x.length);
      x.forEach(enc);
    } else if (typeof x === 'object') {
      const entries = Object.entries(x as Record<string, unknown>);
      head(16, 0x80, null, 0xde, 0xdf, entries.length);
      for (const [k, val] of entries) {
        enc(k);
        enc(val);
      }
    } else throw new Error(`msgpack: cannot encode ${typeof x}`);
  };
  enc(v);
  return Buffer.concat(parts);
}

export interface MsgpackEntry {
  bytes: Buffer;
  dup: boolean;
  label: string;
}

/** Fluent Bit entries for baseline keys in all three shapes, and entries of the wrong shape (rejected one by one). */
export const msgpackEntry = (nowMs: number): fc.Arbitrary<MsgpackEntry> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.tuple(dupRecord(nowMs), fc.integer({ min: 0, max: 2 })).map(([d, shape]) => {
      const t = new EventTime(nowMs - 5000);
      const entry = shape === 0 ? [Math.floor(nowMs / 1000), d.record] : shape === 1 ? [[t, { tag: 'gw' }], d.record] : d.record;
      return { bytes: msgpack(entry), dup: true, label: `dup shape ${shape}` };
    }) },
    { weight: 2, arbitrary: fc.constantFrom<unknown>(['only one'], [1, 2, 3], 'a string', 42, [1, 'not a map'], null, [[1], 5]).map((x) => ({
      bytes: msgpack(x),
      dup: false,
      label: `junk ${JSON.stringify(x)}`,
    })) },
  );
