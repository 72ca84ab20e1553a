import { performance } from 'node:perf_hooks';
import { decodeProtobuf } from '../src/receiver/encoding/protobuf.js';
import { decodeProtobufReference } from '../src/receiver/encoding/protobuf-reference.js';
import { IdSource, makeTraffic } from './load.js';

/*
 * The two protobuf decoders in a plain loop on one of the bench's requests (100 GenAI chat
 * spans by default): the receiver's, on protobufjs's Reader, and the reference it replaced (the
 * generated decode(), then a walk of its objects). Rounds alternate which goes first; each row
 * is the median of the rounds.
 *   npx tsx bench/decoders.ts [ITERATIONS=2000] [ROUNDS=5] [SPANS=100]
 */

const [iterations = 2000, rounds = 5, spans = 100] = process.argv.slice(2).map(Number);

const traffic = makeTraffic('protobuf', { batches: 1, spansPerBatch: spans });
const template = traffic.templates[0]!;
const body = Buffer.from(template.body);
new IdSource().patch(template, body, 'protobuf');

const DECODERS = { 'Reader (protobuf.ts)': decodeProtobuf, 'reference (protobuf-reference.ts)': decodeProtobufReference };
type Name = keyof typeof DECODERS;

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

function time(name: Name, n: number): { wallUs: number; cpuUs: number } {
  const decode = DECODERS[name];
  const c = cpuUs();
  const w = performance.now();
  for (let i = 0; i < n; i++) decode('traces', body);
  return { wallUs: (performance.now() - w) * 1000, cpuUs: cpuUs() - c };
}

for (const name of Object.keys(DECODERS) as Name[]) time(name, Math.max(200, iterations / 10)); // warm-up

const results: Record<Name, { wallUs: number; cpuUs: number }[]> = { 'Reader (protobuf.ts)': [], 'reference (protobuf-reference.ts)': [] };
for (let r = 0; r < rounds; r++) {
  const order = (Object.keys(DECODERS) as Name[])[r % 2 ? 'reverse' : 'slice']();
  for (const name of order) results[name].push(time(name, iterations));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
process.stdout.write(`one request of ${spans} spans, ${body.length} bytes; ${iterations} decodes per round, ${rounds} rounds, Node ${process.versions.node}\n`);
for (const [name, rs] of Object.entries(results)) {
  const wall = median(rs.map((x) => x.wallUs)) / iterations;
  const cpu = median(rs.map((x) => x.cpuUs)) / iterations;
  process.stdout.write(`${name.padEnd(34)} ${wall.toFixed(1).padStart(8)} µs a request (wall), ${(cpu / spans).toFixed(2).padStart(6)} µs CPU a span\n`);
}
