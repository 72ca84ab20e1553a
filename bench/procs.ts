import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';

/* Child processes under test: start one, find its port, read its memory and CPU from /proc, stop it. */

const CLOCK_TICKS_PER_SECOND = 100;

export interface Server {
  name: string;
  child: ChildProcess;
  pid: number;
  port: number;
  /** Milliseconds from spawn to the "listening" line. */
  startMs: number;
  stderr: () => string;
  /** What it printed up to and including the listening line. */
  stdout: () => string;
}

const children = new Set<ChildProcess>();

/** Kills every child still running: on a timeout or an error in the bench itself. */
export function killAll(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

export function startServer(name: string, args: string[], opts: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<Server> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], ...(opts.env ? { env: opts.env } : {}) });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    if (err.length > 20_000) err = err.slice(-10_000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${opts.timeoutMs} ms; stderr: ${err.trim()}`));
    }, opts.timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve({ name, child, pid: child.pid!, port: Number(m[1]), startMs: performance.now() - t0, stderr: () => err, stdout: () => out });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before listening (code ${code}, signal ${signal}); stderr: ${err.trim()}`));
    });
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with how it ended. */
export function stopServer(s: Server, graceMs = 20_000): Promise<{ code: number | null; signal: string | null; killed: boolean }> {
  const c = s.child;
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve({ code: c.exitCode, signal: c.signalCode, killed: false });
  return new Promise((resolve) => {
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      c.kill('SIGKILL');
    }, graceMs);
    c.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, killed });
    });
    c.kill('SIGTERM');
  });
}

/** VmHWM (peak RSS) and VmRSS of a process, in MiB. */
export function memoryMiB(pid: number): { hwm: number; rss: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { hwm: kb('VmHWM') / 1024, rss: kb('VmRSS') / 1024 };
}

/** User plus system CPU seconds a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesized command name, which may itself contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** What a thread of a server is, by its name: llmtop's workers are named (Node 24 and later), V8's and libuv's are. */
export const THREAD_KINDS = ['main', 'store writer', 'WAL checkpoints', 'V8 helpers (GC)', 'libuv pool', 'other'] as const;
export type ThreadKind = (typeof THREAD_KINDS)[number];

function threadKind(tid: string, pid: number, comm: string): ThreadKind {
  if (tid === String(pid)) return 'main';
  if (comm === 'llmtop-writer') return 'store writer';
  if (comm === 'llmtop-wal') return 'WAL checkpoints';
  if (comm.endsWith('V8Worker')) return 'V8 helpers (GC)';
  if (comm.startsWith('libuv-worker')) return 'libuv pool';
  return 'other';
}

/**
 * Per kind of thread of a process so far (threads that ended are not counted): the CPU seconds it
 * ran, and the seconds it was ready to run but waited for a CPU (/proc/PID/task/TID/schedstat):
 * on a machine with fewer cores than busy threads, the time a pipeline stage lost to the others.
 */
export function threadSeconds(pid: number): { cpu: Record<ThreadKind, number>; waited: Record<ThreadKind, number> } {
  const zero = () => Object.fromEntries(THREAD_KINDS.map((k) => [k, 0])) as Record<ThreadKind, number>;
  const out = { cpu: zero(), waited: zero() };
  let tids: string[] = [];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue;
    }
    // A kernel built without scheduler statistics has no schedstat: the CPU still counts, the wait reads 0.
    let schedstat = '0 0 0';
    try {
      schedstat = fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8');
    } catch {}
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const kind = threadKind(tid, pid, comm);
    out.cpu[kind] += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
    // schedstat: ns on a CPU, ns waiting on a run queue, timeslices.
    out.waited[kind] += Number(schedstat.split(' ')[1]) / 1e9;
  }
  return out;
}

/** Busy CPU seconds of the whole machine so far (all cores): to tell how much else was running. */
export function machineBusySeconds(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const [, ...ticks] = line.trim().split(/\s+/).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks;
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_SECOND;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

export interface HttpAnswer {
  status: number;
  body: string;
  ms: number;
}

/** One request over a keep-alive connection, timed from send to the last byte. */
export function request(port: number, method: string, path: string, body?: unknown): Promise<HttpAnswer> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
        res.on('error', reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: no answer within 60 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export async function getJson<T>(port: number, path: string): Promise<T> {
  const a = await request(port, 'GET', path);
  if (a.status !== 200) throw new Error(`GET ${path}: ${a.status} ${a.body.slice(0, 200)}`);
  return JSON.parse(a.body) as T;
}

export function closeAgent(): void {
  agent.destroy();
}
