import type { Signal } from '../../otlp/request.js';
import type { Decoded } from './decoded.js';
import { decodeJson, encodeJsonResponse, encodeJsonStatus } from './json.js';
import { decodeProtobuf, encodeProtobufResponse, encodeProtobufStatus } from './protobuf.js';

export { DecodeError, type Decoded } from './decoded.js';

/** Protobuf and JSON behind one interface, as the Collector's otlpreceiver does. */
export interface Encoding {
  contentType: string;
  decode(signal: Signal, body: Uint8Array): Decoded;
  encodeResponse(signal: Signal, rejected: number, message: string): Uint8Array;
  /** A google.rpc.Status body. */
  encodeStatus(code: number, message: string): Uint8Array;
}

export const protobufEncoding: Encoding = {
  contentType: 'application/x-protobuf',
  decode: decodeProtobuf,
  encodeResponse: encodeProtobufResponse,
  encodeStatus: encodeProtobufStatus,
};

export const jsonEncoding: Encoding = {
  contentType: 'application/json',
  decode: decodeJson,
  encodeResponse: encodeJsonResponse,
  encodeStatus: encodeJsonStatus,
};

/** The encoding of a Content-Type header (parameters such as charset ignored), or null. */
export function encodingFor(contentType: string | undefined): Encoding | null {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (media === 'application/x-protobuf' || media === 'application/protobuf') return protobufEncoding;
  if (media === 'application/json') return jsonEncoding;
  return null;
}
