import { describe, expect, test } from 'vitest';
import { cleanPath, isIdSegment, normalize, routeFromPath, type Candidate } from '@/ingest/normalize';

const TS = '2026-11-25T08:00:00.000Z';
const gateway = { request_id: 'req_1', timestamp: TS, status: 429, error: { code: 'rate_limited', message: 'slow down', details: { retry_after: 30 } } };

function candidate(value: unknown, event_ms?: number): Candidate {
  const n = normalize(value, event_ms);
  if (!n.ok) throw new Error(`expected a candidate, got ${n.code}`);
  return n.candidate;
}

describe('field aliases of real gateways', () => {
  test.each([
    ['request_id', { request_id: 'r' }, 'request_id', 'r'],
    ['requestId', { requestId: 'r' }, 'request_id', 'r'],
    ['x_request_id', { x_request_id: 'r' }, 'request_id', 'r'],
    ['x-request-id', { 'x-request-id': 'r' }, 'request_id', 'r'],
    ['ECS http.request.id', { http: { request: { id: 'r' } } }, 'request_id', 'r'],
    ['Kong response.headers', { response: { headers: { 'x-request-id': 'r' } } }, 'request_id', 'r'],
    ['the envelope request_id', { response_body: JSON.stringify({ error: { code: 'x', request_id: 'r' } }) }, 'request_id', 'r'],
    ['status_code', { status_code: 404 }, 'status', 404],
    ['response_status', { response_status: '502' }, 'status', '502'],
    ['ECS http.response.status_code', { http: { response: { status_code: 201 } } }, 'status', 201],
    ['@timestamp', { '@timestamp': TS }, 'timestamp', TS],
    ['time', { time: TS }, 'timestamp', TS],
    ['ts', { ts: 1764057600 }, 'timestamp', 1764057600],
    ['duration_ms', { duration_ms: 12.5 }, 'latency_ms', 12.5],
    ['response_time_ms', { response_time_ms: 7 }, 'latency_ms', 7],
    ['Kong latencies.request', { latencies: { request: 33 } }, 'latency_ms', 33],
    ['nginx request_time (seconds)', { request_time: '0.250' }, 'latency_ms', 250],
    ['http_method', { http_method: 'post' }, 'method', 'post'],
    ['request_uri', { request_uri: '/v1/x?y=1' }, 'path', '/v1/x'],
    ['api_key_id', { api_key_id: 'key_1' }, 'key_id', 'key_1'],
    ['accountId', { accountId: 'acc_1' }, 'account_id', 'acc_1'],
    ['plan', { plan: 'pro' }, 'tier', 'pro'],
    ['flat error_code', { error_code: 'forbidden' }, 'code', 'forbidden'],
    ['idempotency_key', { idempotency_key: 'i1' }, 'idempotency_key', 'i1'],
    ['idempotencyKey', { idempotencyKey: 'i1' }, 'idempotency_key', 'i1'],
    ['Idempotency-Key', { 'Idempotency-Key': 'i1' }, 'idempotency_key', 'i1'],
    ['OTel http.request.header.idempotency-key (a list)', { http: { request: { header: { 'idempotency-key': ['i1'] } } } }, 'idempotency_key', 'i1'],
    ['flat dotted http.request.header.idempotency-key', { 'http.request.header.idempotency-key': ['i1'] }, 'idempotency_key', 'i1'],
    ['Kong request.headers.idempotency-key', { request: { headers: { 'idempotency-key': 'i1' } } }, 'idempotency_key', 'i1'],
    ['request_fingerprint', { request_fingerprint: 'sha256:ab' }, 'request_fingerprint', 'sha256:ab'],
    ['body_hash', { body_hash: 'ab' }, 'request_fingerprint', 'ab'],
    ['idempotent_replayed', { idempotent_replayed: true }, 'idempotent_replayed', true],
    ['Idempotent-Replayed header text', { 'Idempotent-Replayed': 'true' }, 'idempotent_replayed', 'true'],
    ['Kong response.headers.idempotent-replayed', { response: { headers: { 'idempotent-replayed': 'false' } } }, 'idempotent_replayed', 'false'],
    ['user_agent', { user_agent: 'curl/8' }, 'user_agent', 'curl/8'],
    ['userAgent', { userAgent: 'curl/8' }, 'user_agent', 'curl/8'],
    ['nginx http_user_agent', { http_user_agent: 'curl/8' }, 'user_agent', 'curl/8'],
    ['http.user_agent', { http: { user_agent: 'curl/8' } }, 'user_agent', 'curl/8'],
    ['ECS user_agent.original (the object is passed over)', { user_agent: { original: 'curl/8', name: 'curl' } }, 'user_agent', 'curl/8'],
  ])('%s', (_name, fields, key, expected) => {
    const base = key === 'request_id' ? {} : { request_id: 'default' };
    expect(candidate({ ...base, ...fields })[key as keyof Candidate]).toEqual(expected);
  });

  test('records without the optional gateway fields have none', () => {
    const c = candidate(gateway);
    expect([c.idempotency_key, c.request_fingerprint, c.idempotent_replayed, c.user_agent]).toEqual([undefined, undefined, undefined, undefined]);
  });

  test('the canonical name wins over an alias', () => {
    expect(candidate({ request_id: 'canonical', requestId: 'alias' }).request_id).toBe('canonical');
    expect(candidate({ status: 200, status_code: 500 }).status).toBe(200);
  });

  test('unknown fields are ignored', () => {
    const c = candidate({ ...gateway, '@version': '1', host: 'web-1', stream: 'stdout', source_type: 'docker_logs', extra: { a: 1 } });
    expect(c.request_id).toBe('req_1');
    expect(Object.keys(c)).not.toContain('host');
  });
});

describe('the envelope', () => {
  const env = { code: 'capacity_exceeded', message: 'cap', details: { reason: 'platform_queue' }, request_id: 'req_9' };
  test.each([
    ['error object', { error: env }],
    ['whole envelope under error', { error: { error: env } }],
    ['error as a JSON string', { error: JSON.stringify(env) }],
    ['response_body string', { response_body: JSON.stringify({ error: env }) }],
    ['responseBody string', { responseBody: JSON.stringify({ error: env }) }],
    ['body string', { body: JSON.stringify({ error: env }) }],
  ])('%s', (_name, fields) => {
    const c = candidate({ request_id: 'req_9', status: 429, ...fields });
    expect(c).toMatchObject({ code: 'capacity_exceeded', message: 'cap', details: { reason: 'platform_queue' } });
  });

  test('a response body that is not JSON leaves the code empty instead of failing', () => {
    expect(candidate({ request_id: 'r', status: 502, response_body: '<html>Bad gateway</html>' }).code).toBeUndefined();
  });
});

describe('collector wrappers', () => {
  const line = JSON.stringify(gateway);
  const dockerLine = JSON.stringify({ log: `${line}\n`, stream: 'stdout', time: '2026-11-25T07:59:59.999999999Z' });
  test.each([
    ['Docker json-file', JSON.parse(dockerLine)],
    ['Fluent Bit record with a parsed Docker log', { date: 1764057599.5, log: `${line}\n`, stream: 'stdout' }],
    ['Docker line inside a Fluent Bit record (two levels)', { date: 1764057599.5, log: dockerLine }],
    ['Vector docker_logs / file source', { message: line, timestamp: '2026-11-25T07:59:59Z', source_type: 'docker_logs', host: 'h' }],
    ['Logstash ECS event (log is file metadata)', { '@timestamp': '2026-11-25T07:59:59Z', '@version': '1', message: line, log: { file: { path: '/var/log/gw.log' } }, host: { name: 'h' } }],
    ['Vector with a message already parsed into an object', { message: gateway, timestamp: '2026-11-25T07:59:59Z' }],
  ])('%s is unwrapped to the gateway record', (_name, wrapped) => {
    const c = candidate(wrapped);
    expect(c).toMatchObject({ request_id: 'req_1', status: 429, code: 'rate_limited', timestamp: TS });
  });

  test('three levels are not unwrapped (at most two)', () => {
    const three = { log: JSON.stringify({ log: JSON.stringify({ log: line }) }) };
    expect(candidate(three).request_id).toBeUndefined();
  });

  test('a record that already has the gateway fields is used as is, even with a raw line beside it', () => {
    const c = candidate({ request_id: 'outer', status: 200, timestamp: TS, log: JSON.stringify({ request_id: 'inner', status: 500 }) });
    expect(c).toMatchObject({ request_id: 'outer', status: 200 });
  });

  test('a message that is plain text is not a wrapper', () => {
    expect(candidate({ message: 'GET /v1/x 200' }).request_id).toBeUndefined();
  });
});

describe('time precedence: gateway, inner line, wrapper, Fluent Bit date, event time', () => {
  const inner = (fields: object) => JSON.stringify({ request_id: 'r', status: 200, ...fields });
  test.each([
    ['the gateway timestamp beats everything', { '@timestamp': 'W', time: 'x', date: 1, log: inner({ timestamp: 'G', time: 'g' }) }, 'G'],
    ['an unwrapped gateway record: timestamp beats @timestamp and date', { request_id: 'r', date: 1, '@timestamp': 'W', timestamp: 'G' }, 'G'],
    ['the inner line time beats the wrapper', { log: inner({ time: 'INNER' }), time: 'WRAP', date: 1 }, 'INNER'],
    ['inner timestamp beats inner time', { log: inner({ timestamp: 'TS', time: 'T' }), time: 'WRAP' }, 'TS'],
    ["a wrapper's @timestamp when the line has none", { log: inner({}), '@timestamp': 'AT', date: 1 }, 'AT'],
    ["a wrapper's time when the line has none", { log: inner({}), time: 'DOCKER', date: 1 }, 'DOCKER'],
    ['the inner wrapper beats the outer one', { date: 1, '@timestamp': 'OUTER', log: JSON.stringify({ log: inner({}), time: 'DOCKER' }) }, 'DOCKER'],
    ["Fluent Bit's date is the last resort", { log: inner({}), date: 1764057600.25 }, 1764057600.25],
    ['a same-level @timestamp (Logstash) comes after the gateway time', { request_id: 'r', time: 'GW', '@timestamp': 'LS' }, 'GW'],
  ])('%s', (_name, record, expected) => {
    expect(candidate(record).timestamp).toBe(expected);
  });

  test('the MessagePack event time is used only when the record has no time at all', () => {
    expect(candidate({ request_id: 'r' }, 1234).timestamp).toBe(1234);
    expect(candidate({ request_id: 'r', date: 5 }, 1234).timestamp).toBe(5);
    expect(candidate({ request_id: 'r', timestamp: 7 }, 1234).timestamp).toBe(7);
  });
});

describe('route templates from paths', () => {
  test.each([
    ['/v1/submissions/sub_8f2k3j4h', '/v1/submissions/{id}'],
    ['/v1/submissions/12345/logs', '/v1/submissions/{id}/logs'],
    ['/v1/keys/3f2a8c1e-9b7d-4e2f-8a1c-0d9e8f7a6b5c', '/v1/keys/{id}'],
    ['/v1/accounts/acc_01HF8ZQ2J3K4M5N6P7Q8R9S0T1/usage', '/v1/accounts/{id}/usage'],
    ['/v2/oauth2/token', '/v2/oauth2/token'],
    ['/v1/submissions', '/v1/submissions'],
    ['/v1/datasets/ds_9fQkzLmZxw', '/v1/datasets/{id}'],
    ['/v1/api_keys/key_Ab3xyz/rotate', '/v1/api_keys/{id}/rotate'],
    ['/v1/user_preferences', '/v1/user_preferences'],
    ['/', '/'],
  ])('%s → %s', (path, route) => {
    expect(routeFromPath(path)).toBe(route);
  });

  test.each([
    ['123', true],
    ['sub_8f2k3j4h', true],
    ['v1', false],
    ['health', false],
    ['submissions', false],
    ['sha256', false],
    ['ds_kQwErTy', true],
    ['api_keys', false],
    ['user_preferences', false],
  ])('isIdSegment(%s) = %s', (seg, expected) => {
    expect(isIdSegment(seg)).toBe(expected);
  });

  test.each([
    ['/v1/x?api_key=secret', '/v1/x'],
    ['https://api.example.com/v1/x?y=1#z', '/v1/x'],
    ['https://api.example.com', '/'],
    ['/v1/x#frag', '/v1/x'],
  ])('cleanPath(%s) = %s', (p, expected) => {
    expect(cleanPath(p)).toBe(expected);
  });

  test('a given route is kept; a missing one is derived from the path', () => {
    expect(candidate({ request_id: 'r', path: '/v1/submissions/123', route: '/v1/submissions/:id' }).route).toBe('/v1/submissions/:id');
    expect(candidate({ request_id: 'r', path: '/v1/submissions/123?x=1' }).route).toBe('/v1/submissions/{id}');
  });
});

test.each([['a string', 'x'], ['an array', [1]], ['null', null], ['a number', 5]])('%s is not_an_object', (_n, v) => {
  const n = normalize(v);
  expect(n.ok).toBe(false);
  if (!n.ok) expect(n.code).toBe('not_an_object');
});
