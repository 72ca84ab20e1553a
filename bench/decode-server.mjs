// The ingest limit of this machine: an OTLP/HTTP server that only reads the body and decodes it
// (the built dist/), then answers 200 as llmtop would. No normalizing, no store, no statistics.
// Protobuf goes through the reference decoder, protobufjs's generated code building the whole
// message tree and then walked into llmtop's shape, as every receiver did before issue 22: the
// limit stays the same yardstick while llmtop's own decoder gets leaner. Run by bench/run.ts as a
// child process:
//   node bench/decode-server.mjs [port]
// It prints `decode-only listening on http://127.0.0.1:PORT` once it listens.
import http from 'node:http';
import { readRaw } from '../dist/receiver/body.js';
import { encodingFor } from '../dist/receiver/encoding/index.js';
import { decodeProtobufReference } from '../dist/receiver/encoding/protobuf-reference.js';

const MAX_BODY = 64 * 1024 * 1024;
let decodedItems = 0;

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/v1/traces') {
    req.resume();
    res.writeHead(404).end();
    return;
  }
  const enc = encodingFor(req.headers['content-type']);
  if (!enc) {
    req.resume();
    res.writeHead(415).end();
    return;
  }
  readRaw(req, MAX_BODY).then(
    (body) => {
      let decoded;
      try {
        decoded = enc.contentType === 'application/x-protobuf' ? decodeProtobufReference('traces', body) : enc.decode('traces', body);
      } catch (err) {
        res.writeHead(400, { 'Content-Type': 'text/plain' }).end(String(err));
        return;
      }
      for (const r of decoded.request.resources) for (const s of r.scopes) decodedItems += s.items.length;
      res.writeHead(200, { 'Content-Type': enc.contentType });
      res.end(enc.encodeResponse('traces', decoded.rejected, decoded.rejectReason));
    },
    (err) => res.writeHead(400).end(String(err)),
  );
});
server.keepAliveTimeout = 30_000;

const stop = () => {
  process.stderr.write(`decode-only: ${decodedItems} spans decoded\n`);
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`decode-only listening on http://127.0.0.1:${server.address().port}\n`);
});
