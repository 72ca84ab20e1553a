import * as grpc from '@grpc/grpc-js';
import { BusyError } from '../ingest/ingest.js';
import { normalize, type Normalized } from '../normalize/index.js';
import { hasToken } from './access.js';
import { DecodeError, protobufEncoding } from './encoding/index.js';
import { HELD_TOO_MUCH, type HeldBytes } from './held-bytes.js';
import type { Signal } from '../otlp/request.js';
import type { OtlpRequest } from '../otlp/request.js';
import type { RequestMeta } from '../sources/tracker.js';

/*
 * OTLP/gRPC: the same decode → normalize → store line as OTLP/HTTP, behind the three Export
 * methods. Messages stay raw bytes through grpc-js and are decoded by the protobuf encoding.
 */

const METHODS: Record<Signal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

export interface GrpcDeps {
  submit: (item: Normalized) => Promise<void>;
  /** Runs the decode when it may take the event loop (TurnBudget.run). */
  turn: <T>(work: () => T) => Promise<T>;
  maxMessageBytes: number;
  /** Shared with OTLP/HTTP. grpc-js has read a message whole before the handler sees it: one past the budget is let go at once. */
  held?: HeldBytes;
  token: string | null;
  onAccepted?: (signal: Signal, raw: Buffer) => void;
  onDecoded?: (meta: RequestMeta, request: OtlpRequest, item: Normalized) => void;
  onRefused?: (meta: RequestMeta, status: number, reason: string) => void;
}

const raw = (b: Buffer) => b;

function exportHandler(signal: Signal, deps: GrpcDeps): grpc.handleUnaryCall<Buffer, Buffer> {
  return (call, callback) => {
    const meta: RequestMeta = {
      signal,
      protocol: 'grpc',
      encoding: 'protobuf',
      // grpc-js decompresses before the handler and takes grpc-encoding out of the metadata.
      compression: 'unknown',
      client: `${String(call.metadata.get('user-agent')[0] ?? 'no user agent')} from ${call.getPeer().replace(/:\d+$/, '')}`,
    };
    if (deps.token !== null && !hasToken(String(call.metadata.get('authorization')[0] ?? ''), deps.token)) {
      callback({ code: grpc.status.UNAUTHENTICATED, details: 'missing or wrong bearer token (see --token)' });
      deps.onRefused?.(meta, grpc.status.UNAUTHENTICATED, 'missing or wrong bearer token');
      return;
    }
    const claim = deps.held?.claim();
    const answer = (status: Parameters<typeof callback>[0], response?: Buffer) => {
      claim?.release();
      callback(status, response);
    };
    if (claim && !claim.take(call.request.length)) {
      answer({ code: grpc.status.UNAVAILABLE, details: HELD_TOO_MUCH });
      deps.onRefused?.(meta, grpc.status.UNAVAILABLE, HELD_TOO_MUCH);
      return;
    }
    const decodeAndStore = (): void => {
      let item: Normalized;
      let rejected: number;
      let reason: string;
      try {
        const decoded = protobufEncoding.decode(signal, call.request);
        item = normalize(decoded.request);
        rejected = decoded.rejected;
        reason = decoded.rejectReason;
        deps.onDecoded?.(meta, decoded.request, item);
      } catch (err) {
        if (err instanceof DecodeError || err instanceof RangeError || err instanceof TypeError) {
          answer({ code: grpc.status.INVALID_ARGUMENT, details: (err as Error).message });
          deps.onRefused?.(meta, grpc.status.INVALID_ARGUMENT, (err as Error).message);
          return;
        }
        throw err;
      }
      deps.submit(item).then(
        () => {
          answer(null, Buffer.from(protobufEncoding.encodeResponse(signal, rejected, reason)));
          deps.onAccepted?.(signal, call.request);
        },
        (err: Error) => {
          // UNAVAILABLE is retried by the exporters, as 503 is over HTTP.
          const message = err instanceof BusyError ? err.message : `cannot store the data: ${err.message}`;
          answer({ code: grpc.status.UNAVAILABLE, details: message });
          deps.onRefused?.(meta, grpc.status.UNAVAILABLE, message);
        },
      );
    };
    deps.turn(decodeAndStore).catch((err: Error) => answer({ code: grpc.status.INTERNAL, details: err.message }));
  };
}

export interface GrpcReceiver {
  port: number;
  close(): Promise<void>;
}

export async function startGrpc(host: string, port: number, deps: GrpcDeps): Promise<GrpcReceiver> {
  // grpc-js would print its own lines on stderr (a busy port twice over); errors come back here.
  grpc.setLogVerbosity(grpc.logVerbosity.NONE);
  const server = new grpc.Server({ 'grpc.max_receive_message_length': deps.maxMessageBytes });
  for (const signal of Object.keys(METHODS) as Signal[]) {
    const definition: grpc.ServiceDefinition = {
      Export: { path: METHODS[signal], requestStream: false, responseStream: false, requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw },
    };
    server.addService(definition, { Export: exportHandler(signal, deps) });
  }
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port: bound,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
