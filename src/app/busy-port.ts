import net from 'node:net';

/*
 * Start-up diagnostics for a taken port: what answers there, and a free port to use instead,
 * with the env line that goes with it. Effects (HTTP probe, trial listens) are injected for tests.
 */

export type Probe = (url: string, init?: { method: string; headers?: Record<string, string>; body?: string }) => Promise<{ status: number; contentType: string; text: string }>;

const PROBE_TIMEOUT_MS = 1000;

export const httpProbe: Probe = async (url, init) => {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
};

/** What answers on a taken OTLP/HTTP port: another llmtop (by its /healthz pid), an OTLP receiver, or something else. */
export async function whoAnswers(base: string, probe: Probe = httpProbe): Promise<string> {
  try {
    const health = await probe(`${base}/healthz`);
    const body = JSON.parse(health.text) as { status?: unknown; pid?: unknown };
    if (health.status === 200 && body.status === 'ok' && typeof body.pid === 'number') return `another llmtop (pid ${body.pid})`;
  } catch {
    // not JSON, or no answer: try OTLP next
  }
  try {
    const otlp = await probe(`${base}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    // An OTLP answer: 200 or 400 with an Export*ServiceResponse or a google.rpc.Status, in JSON or protobuf.
    const otlpBody = /protobuf/.test(otlp.contentType) || (/json/.test(otlp.contentType) && /^\s*\{/.test(otlp.text));
    if ((otlp.status === 200 || otlp.status === 400) && otlpBody) return 'an OTLP receiver (an OpenTelemetry Collector?)';
  } catch {
    return 'something that does not answer HTTP';
  }
  return 'something else';
}

export type CanListen = (host: string, port: number) => Promise<boolean>;

export const canListen: CanListen = (host, port) =>
  new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });

/** The first port after `port` that is free now, or null after 50 tries. */
export async function freePortAfter(host: string, port: number, listen: CanListen = canListen): Promise<number | null> {
  for (let p = port + 1; p <= Math.min(65535, port + 50); p++) if (await listen(host, p)) return p;
  return null;
}

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

/** The one line for a taken OTLP/HTTP port. */
export async function busyHttpPortMessage(host: string, port: number, probe: Probe = httpProbe, listen: CanListen = canListen): Promise<string> {
  const who = await whoAnswers(`http://${urlHost(host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host)}:${port}`, probe);
  const free = await freePortAfter(host, port, listen);
  const hint = free === null ? 'pass --port with a free port' : `use llmtop --port ${free} with OTEL_EXPORTER_OTLP_ENDPOINT=http://${urlHost(host)}:${free}`;
  return `port ${port} on ${host} is already in use by ${who}; ${hint}`;
}

/** The one line for a taken OTLP/gRPC port. */
export async function busyGrpcPortMessage(host: string, port: number, listen: CanListen = canListen): Promise<string> {
  const free = await freePortAfter(host, port, listen);
  const alt = free === null ? '' : ` or --grpc-port ${free} (OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_EXPORTER_OTLP_ENDPOINT=http://${urlHost(host)}:${free})`;
  return `OTLP/gRPC port ${port} on ${host} is already in use (an OpenTelemetry Collector?); pass --grpc-port 0 to go without gRPC${alt}`;
}
