// The protobuf messages of OTLP/HTTP logs. ExportLogsServiceRequest/Response come from the code the OpenTelemetry
// JS project generated with protobufjs from the official opentelemetry-proto files (@opentelemetry/otlp-transformer
// 0.210.0, its last release that ships it; later ones serialize by hand and decode nothing). google.rpc.Status, the
// body of every OTLP/HTTP error, is not in it: it is declared below for protobufjs from google/rpc/status.proto
// (tests/unit/otlp-proto.test.ts checks the declaration against that file as google-proto-files ships it).
import protobuf from 'protobufjs/light.js';
import * as generated from '@opentelemetry/otlp-transformer/build/src/generated/root.js';

interface Message<T> {
  decode(bytes: Uint8Array): T;
  encode(message: T): { finish(): Uint8Array };
  fromObject(object: Record<string, unknown>): T;
}

export interface OtlpProto {
  ExportLogsServiceRequest: Message<Record<string, unknown>>;
  ExportLogsServiceResponse: Message<Record<string, unknown>>;
  Status: Message<Record<string, unknown>>;
}

/** google/rpc/status.proto, message Status, in protobufjs's JSON form. */
export const STATUS_DESCRIPTOR = {
  nested: {
    google: {
      nested: {
        protobuf: { nested: { Any: { fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } } } },
        rpc: {
          nested: {
            Status: {
              fields: {
                code: { type: 'int32', id: 1 },
                message: { type: 'string', id: 2 },
                details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 },
              },
            },
          },
        },
      },
    },
  },
};

let cached: OtlpProto | null = null;

/** Built on first use: the generated module is large and most processes never see an OTLP request. */
export function otlpProto(): OtlpProto {
  if (cached) return cached;
  // A CommonJS module (`module.exports = $root`): its namespace is on `default` under ESM interop.
  const root = ((generated as unknown as { default?: unknown }).default ?? generated) as {
    opentelemetry: { proto: { collector: { logs: { v1: Record<string, Message<Record<string, unknown>>> } } } };
  };
  const logs = root.opentelemetry.proto.collector.logs.v1;
  const status = protobuf.Root.fromJSON(STATUS_DESCRIPTOR).lookupType('google.rpc.Status');
  cached = {
    ExportLogsServiceRequest: logs.ExportLogsServiceRequest,
    ExportLogsServiceResponse: logs.ExportLogsServiceResponse,
    Status: status as unknown as Message<Record<string, unknown>>,
  };
  return cached;
}
