// Real OTLP/HTTP log exports, built the way an OpenTelemetry JS application sends them: records emitted through
// the SDK's LoggerProvider, serialized by the SDK's own OTLP serializers (protobuf and JSON). `current` uses the
// newest @opentelemetry/otlp-transformer, whose serializers are written by hand, independently of the generated
// code errata decodes with.
import type { AnyValue, AnyValueMap, LogAttributes } from '@opentelemetry/api-logs';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import * as current from 'otlp-transformer-current';

export interface LogSpec {
  body?: AnyValue;
  attributes?: LogAttributes;
  /** Epoch ms; the SDK sets the observed time itself. */
  timestamp?: number;
}

/** Emits the records through the SDK and returns them as the exporter would receive them. */
export function sdkRecords(specs: LogSpec[], scopes = 1): ReadableLogRecord[] {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'gateway', 'host.name': 'gw-1' }),
    processors: [new SimpleLogRecordProcessor(exporter)],
  });
  specs.forEach((s, i) => {
    // Several instrumentation scopes: the export then has several scopeLogs groups to walk in order.
    const logger = provider.getLogger(`gateway-${i % scopes}`);
    // A Date: the SDK takes a number below its time origin for a performance.now() reading.
    logger.emit({ body: s.body, attributes: s.attributes, ...(s.timestamp !== undefined ? { timestamp: new Date(s.timestamp) } : {}) });
  });
  return exporter.getFinishedLogRecords();
}

export type Encoding = 'protobuf' | 'json';
export type SerializerVersion = 'pinned' | 'current';

export function otlpExport(specs: LogSpec[], encoding: Encoding, version: SerializerVersion = 'current', scopes = 1): Uint8Array {
  const records = sdkRecords(specs, scopes);
  const lib = version === 'current' ? current : { JsonLogsSerializer, ProtobufLogsSerializer };
  const serializer = encoding === 'json' ? lib.JsonLogsSerializer : lib.ProtobufLogsSerializer;
  const bytes = (serializer.serializeRequest as (r: unknown) => Uint8Array | undefined)(records);
  if (!bytes) throw new Error('the SDK serializer returned nothing');
  return bytes;
}

export const contentType = (encoding: Encoding) => (encoding === 'json' ? 'application/json' : 'application/x-protobuf');

export type { AnyValueMap };
