// OTLP logs → pipeline records (ingest/otlp.ts through prepareBatch), with exports from the SDK's serializers.
import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, test } from 'vitest';
import { prepareBatch } from '@/ingest/index';
import { parseOtlpLogs } from '@/ingest/otlp';
import { exportLogsResponse, partialSuccessMessage } from '@/ingest/otlp-answer';
import { STATUS_DESCRIPTOR, otlpProto } from '@/ingest/otlp-proto';
import { ApiError } from '@/lib/api-error';
import { otlpExport, type Encoding } from '../support/otlp';

const line = (over: object = {}) =>
  JSON.stringify({ request_id: 'req_1', timestamp: '2026-11-30T10:00:00.123Z', status: 500, method: 'POST', path: '/v1/jobs/123', ...over });
const form = (e: Encoding): 'otlp_json' | 'otlp_protobuf' => (e === 'json' ? 'otlp_json' : 'otlp_protobuf');

describe.each(['protobuf', 'json'] as const)('%s exports', (encoding) => {
  test('the gateway time wins, then timeUnixNano', () => {
    const body = otlpExport(
      [
        { body: line(), timestamp: Date.parse('2026-11-30T11:00:00Z') },
        { body: line({ request_id: 'req_2', timestamp: undefined }), timestamp: Date.parse('2026-11-30T12:00:00.456Z') },
      ],
      encoding,
    );
    const p = prepareBatch(body, { form: form(encoding) });
    expect(p.errors).toEqual([]);
    expect(p.records.map((r) => [r.request_id, new Date(r.ts_ms).toISOString()])).toEqual([
      ['req_1', '2026-11-30T10:00:00.123Z'],
      ['req_2', '2026-11-30T12:00:00.456Z'],
    ]);
  });

  test('timeUnixNano becomes the exact millisecond for every millisecond of a second', () => {
    // Nanoseconds since 1970 are past 2^53: a float division put 125 of these 1,000 a millisecond early.
    const start = Date.parse('2026-12-02T10:15:00Z');
    const specs = Array.from({ length: 1000 }, (_, i) => ({ body: line({ request_id: `req_ms_${i}`, timestamp: undefined }), timestamp: start + i }));
    const p = prepareBatch(otlpExport(specs, encoding), { form: form(encoding) });
    expect(p.errors).toEqual([]);
    expect(p.records.map((r) => r.ts_ms)).toEqual(specs.map((s) => s.timestamp));
  });

  test('kvlist bodies and semantic-convention attributes make records; int attributes arrive as numbers', () => {
    const body = otlpExport(
      [
        { body: { request_id: 'req_kv', status: 404, method: 'GET', path: '/v1/a/b', latency_ms: 7, nested: { deep: [1, 'x'] } } },
        {
          body: 'POST /v1/things 503',
          attributes: {
            'http.request.id': 'req_attr',
            'http.response.status_code': 503,
            'http.request.method': 'POST',
            'url.path': '/v1/things',
            'http.route': '/v1/things',
            key_id: 'key_9',
          },
        },
      ],
      encoding,
    );
    const p = prepareBatch(body, { form: form(encoding) });
    expect(p.errors).toEqual([]);
    expect(p.records).toMatchObject([
      { request_id: 'req_kv', status: 404, method: 'GET', path: '/v1/a/b', latency_ms: 7 },
      { request_id: 'req_attr', status: 503, method: 'POST', route: '/v1/things', key_id: 'key_9' },
    ]);
  });

  test('bad records are reported by their position in the export, with a readable sample', () => {
    const body = otlpExport([{ body: line() }, { body: 'plain text, no id' }, { body: line({ request_id: 'req_3', status: 42 }) }], encoding, 'current', 2);
    const p = prepareBatch(body, { form: form(encoding) });
    // Two scopes: records 0 and 2 in the first group, record 1 in the second, so the export order is 0, 2, 1.
    expect(p.errors).toEqual([
      { line: 2, code: 'invalid_field', field: 'status', message: expect.any(String) },
      { line: 3, code: 'missing_field', field: 'request_id', message: 'request_id is required.' },
    ]);
    expect(p.samples[1].sample).toBe('{"body":"plain text, no id"}');
  });
});

describe('decoding', () => {
  test('observedTimeUnixNano is the last resort; 64-bit integers may be strings or numbers (OTLP JSON)', () => {
    const json = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'gw' } }] },
          scopeLogs: [
            {
              scope: { name: 'filelog' },
              logRecords: [
                {
                  observedTimeUnixNano: '1796040000123456789',
                  severityNumber: 9,
                  traceId: '5b8efff798038103d269b633813fc60c',
                  body: { kvlistValue: { values: [{ key: 'request_id', value: { stringValue: 'req_obs' } }, { key: 'status', value: { intValue: '201' } }] } },
                },
                { timeUnixNano: 1796040000999000000, body: { kvlistValue: { values: [{ key: 'request_id', value: { stringValue: 'req_num' } }, { key: 'status', value: { intValue: 200 } }] } } },
              ],
            },
          ],
        },
      ],
    };
    const p = prepareBatch(new TextEncoder().encode(JSON.stringify(json)), { form: 'otlp_json' });
    expect(p.errors).toEqual([]);
    expect(p.records.map((r) => [r.request_id, r.status, r.ts_ms])).toEqual([
      ['req_obs', 201, 1796040000123],
      ['req_num', 200, 1796040000999],
    ]);
  });

  test('an undecodable body is invalid_body; too many records and oversized records keep the ingest limits', () => {
    const bad = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof ApiError ? err.code : String(err);
      }
      return 'no error';
    };
    expect(bad(() => parseOtlpLogs(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), 'otlp_protobuf'))).toBe('invalid_body');
    expect(bad(() => parseOtlpLogs(new TextEncoder().encode('{"resourceLogs": 3}'), 'otlp_json'))).toBe('invalid_body');
    expect(bad(() => parseOtlpLogs(new TextEncoder().encode('[1]'), 'otlp_json'))).toBe('invalid_body');
    const three = otlpExport([{ body: line() }, { body: line() }, { body: line() }], 'protobuf');
    expect(bad(() => parseOtlpLogs(three, 'otlp_protobuf', { maxRecords: 2 }))).toBe('too_many_records');
    const big = otlpExport([{ body: line({ response_body: 'x'.repeat(2000) }) }, { body: line({ request_id: 'req_small' }) }], 'protobuf');
    const p = prepareBatch(big, { form: 'otlp_protobuf' }, { maxRecordBytes: 1000 });
    expect(p.errors.map((e) => [e.line, e.code])).toEqual([[1, 'record_too_large']]);
    expect(p.records.map((r) => r.request_id)).toEqual(['req_small']);
  });

  test('deep nesting is cut, not followed', () => {
    let v: object = { stringValue: 'leaf' };
    for (let i = 0; i < 200; i++) v = { kvlistValue: { values: [{ key: 'k', value: v }] } };
    const json = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: v }] }] }] };
    const p = prepareBatch(new TextEncoder().encode(JSON.stringify(json)), { form: 'otlp_json' });
    expect(p.errors.map((e) => e.code)).toEqual(['missing_field']);
  });
});

describe('answers', () => {
  test('partial success names the first records', () => {
    const result = {
      accepted: 1,
      duplicates: 0,
      rejected: 7,
      errors: Array.from({ length: 7 }, (_, i) => ({ line: i + 2, code: 'missing_field', field: 'request_id', message: 'request_id is required.' })),
    };
    expect(partialSuccessMessage(result)).toBe(
      '7 of 8 log records rejected: ' +
        [2, 3, 4, 5, 6].map((l) => `record ${l}: missing_field (request_id): request_id is required.`).join('; ') +
        '; and 2 more',
    );
    const { ExportLogsServiceResponse } = otlpProto();
    const decoded = ExportLogsServiceResponse.decode(exportLogsResponse(result, 'otlp_protobuf') as Uint8Array) as { partialSuccess?: { rejectedLogRecords: unknown } };
    expect(Number(String(decoded.partialSuccess?.rejectedLogRecords))).toBe(7);
    expect(JSON.parse(exportLogsResponse(result, 'otlp_json') as string)).toMatchObject({ partialSuccess: { rejectedLogRecords: '7' } });
    expect(exportLogsResponse({ ...result, rejected: 0, errors: [] }, 'otlp_json')).toBe('{}');
    expect((exportLogsResponse({ ...result, rejected: 0, errors: [] }, 'otlp_protobuf') as Uint8Array).byteLength).toBe(0);
  });

  test('the google.rpc.Status declaration is the one in google/rpc/status.proto', () => {
    const file = path.resolve(__dirname, '../../node_modules/google-proto-files/google/rpc/status.proto');
    expect(fs.existsSync(file)).toBe(true);
    const official = protobuf.loadSync(file).lookupType('google.rpc.Status');
    const ours = protobuf.Root.fromJSON(STATUS_DESCRIPTOR).lookupType('google.rpc.Status');
    const shape = (t: protobuf.Type) => Object.values(t.fields).map((f) => [f.name, f.id, f.type, f.repeated]);
    expect(shape(ours)).toEqual(shape(official));
  });
});
