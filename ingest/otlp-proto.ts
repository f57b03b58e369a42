// The protobuf messages of OTLP/HTTP logs. ExportLogsServiceRequest/Response come from the code the OpenTelemetry
// JS project generated with protobufjs from the official opentelemetry-proto files (@opentelemetry/otlp-transformer
// 0.210.0, its last release that ships it; later ones serialize by hand and decode nothing). google.rpc.Status, the
// body of every OTLP/HTTP error, is not in it: it is declared below for protobufjs from google/rpc/status.proto
// (tests/unit/otlp-proto.test.ts checks the declaration against that file as google-proto-files ships it).
import { createRequire } from 'node:module';
import path from 'node:path';
import type protobufLight from 'protobufjs/light.js';

interface Message<T> {
  decode(bytes: Uint8Array): T;
  encode(message: T): { finish(): Uint8Array };
  fromObject(object: Record<string, unknown>): T;
}

/** The part of protobufjs's wire reader that ingest/otlp-protobuf.ts calls, as the generated decoders call it. */
export interface ProtoReader {
  pos: number;
  len: number;
  uint32(): number;
  int32(): number;
  int64(): number | { toNumber(): number };
  bool(): boolean;
  double(): number;
  fixed32(): number;
  string(): string;
  bytes(): Uint8Array;
  skip(length: number): ProtoReader;
  skipType(wireType: number): ProtoReader;
}

interface SubMessage {
  decode(reader: ProtoReader, length: number): unknown;
}

export interface OtlpProto {
  /** protobufjs's Reader (a BufferReader for a Buffer: strings through Node's UTF-8 decoder). */
  Reader: { create(bytes: Uint8Array): ProtoReader };
  /** Generated decoders of the messages errata reads nothing from, so they are checked exactly as before. */
  Resource: SubMessage;
  InstrumentationScope: SubMessage;
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

/**
 * Loaded on first use, from the project's node_modules (both are CommonJS): the generated module is large (~0.1–0.4 s
 * to load), and the ingest workers, the CLI and most servers never see an OTLP request.
 */
export function otlpProto(): OtlpProto {
  if (cached) return cached;
  const load = createRequire(path.join(/* turbopackIgnore: true */ process.cwd(), 'package.json'));
  const root = load('@opentelemetry/otlp-transformer/build/src/generated/root.js') as {
    opentelemetry: {
      proto: {
        collector: { logs: { v1: Record<string, Message<Record<string, unknown>>> } };
        resource: { v1: { Resource: SubMessage } };
        common: { v1: { InstrumentationScope: SubMessage } };
      };
    };
  };
  const protobuf = load('protobufjs/light.js') as typeof protobufLight;
  const logs = root.opentelemetry.proto.collector.logs.v1;
  const status = protobuf.Root.fromJSON(STATUS_DESCRIPTOR).lookupType('google.rpc.Status');
  cached = {
    // The generated decoders' own protobufjs, so a reader passed to them is one of theirs.
    Reader: createRequire(load.resolve('@opentelemetry/otlp-transformer/build/src/generated/root.js'))('protobufjs/minimal').Reader,
    Resource: root.opentelemetry.proto.resource.v1.Resource,
    InstrumentationScope: root.opentelemetry.proto.common.v1.InstrumentationScope,
    ExportLogsServiceRequest: logs.ExportLogsServiceRequest,
    ExportLogsServiceResponse: logs.ExportLogsServiceResponse,
    Status: status as unknown as Message<Record<string, unknown>>,
  };
  return cached;
}
