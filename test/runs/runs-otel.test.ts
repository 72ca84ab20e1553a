import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startTestLlmtop } from '../helpers/llmtop.js';
import { tracerFor, type Protocol } from '../helpers/otel.js';

/*
 * Runs put together from spans sent by the OTel JS SDK's own exporters to a real llmtop: one
 * request per span, in every order the spans can end in, the root also missing altogether.
 */

let app: Awaited<ReturnType<typeof startTestLlmtop>>;
beforeAll(async () => {
  app = await startTestLlmtop();
});
afterAll(() => app.close());

type Part = 'root' | 'tool' | 'chat1' | 'chat2';

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

const chat = (model: string, input: number, output: number, cost: number) => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': model,
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': output,
  'gen_ai.usage.cost': cost,
});

/**
 * One agent turn: root 0-3000 ms, chat1 100-1100, chat2 900-1900 (overlapping: models busy 1800
 * ms), a tool 1100-1400. Ends the spans in `order`; a part left out is never exported.
 */
async function sendTurn(protocol: Protocol, t0: number, order: readonly Part[]): Promise<string> {
  const t = tracerFor(app.url, protocol, { 'service.name': 'agent-svc' });
  const root = t.start('invoke_agent planner', { 'gen_ai.operation.name': 'invoke_agent' }, t0);
  const spans = {
    root: { span: root, end: t0 + 3000 },
    chat1: { span: t.start('chat gpt-4o-mini', chat('gpt-4o-mini', 100, 10, 0.01), t0 + 100, root), end: t0 + 1100 },
    chat2: { span: t.start('chat gpt-4.1', chat('gpt-4.1', 200, 20, 0.02), t0 + 900, root), end: t0 + 1900 },
    tool: { span: t.start('execute_tool search', { 'gen_ai.operation.name': 'execute_tool' }, t0 + 1100, root), end: t0 + 1400 },
  };
  for (const p of order) {
    t.end(spans[p].span, spans[p].end);
    await t.flush();
  }
  await t.shutdown();
  return root.spanContext().traceId;
}

const T0 = Date.now() - 60_000;

describe.each<Protocol>(['json', 'proto'])('runs over %s', (protocol) => {
  // Every order for JSON; a few for protobuf, where the decoding differs and the assembly does not.
  const orders = protocol === 'json' ? permutations<Part>(['root', 'tool', 'chat1', 'chat2']) : [['chat1', 'tool', 'chat2', 'root'] as Part[], ['root', 'chat2', 'tool', 'chat1'] as Part[]];

  it.each(orders.map((o) => [o.join(' → '), o] as const))('assembles a turn whose spans end %s', async (_name, order) => {
    const traceId = await sendTurn(protocol, T0, order);
    const run = await getJson(`${app.url}/api/v1/runs/${traceId}`);
    expect(run).toMatchObject({
      traceId,
      name: 'invoke_agent planner',
      service: 'agent-svc',
      rooted: true,
      time: new Date(T0).toISOString(),
      durationMs: 3000,
      calls: 2,
      errors: 0,
      models: ['gpt-4o-mini', 'gpt-4.1'],
      inputTokens: 300,
      outputTokens: 30,
      modelShare: 0.6,
    });
    expect(run.costUsd).toBeCloseTo(0.03, 10);
    expect(run.spans).toHaveLength(1);
    const [root] = run.spans;
    expect(root.name).toBe('invoke_agent planner');
    expect(root.call).toBeNull();
    expect(root.children.map((c: { name: string }) => c.name)).toEqual(['chat gpt-4o-mini', 'chat gpt-4.1', 'execute_tool search']);
    expect(root.children.map((c: { call: { model: string } | null }) => c.call?.model ?? null)).toEqual(['gpt-4o-mini', 'gpt-4.1', null]);
  });
});

describe('a run whose root never arrives', () => {
  it('is named after its service and first call, with its spans at the top of the tree', async () => {
    const traceId = await sendTurn('json', T0, ['chat2', 'tool', 'chat1']);
    const run = await getJson(`${app.url}/api/v1/runs/${traceId}`);
    expect(run).toMatchObject({ name: 'agent-svc · chat gpt-4o-mini', rooted: false, calls: 2, durationMs: 1800, modelShare: 1 });
    expect(run.spans.map((s: { name: string }) => s.name)).toEqual(['chat gpt-4o-mini', 'chat gpt-4.1', 'execute_tool search']);
  });
});

describe('GET /api/v1/runs', () => {
  it('lists the window’s runs, newest first by default, sortable by cost, calls and duration', async () => {
    const t1 = Date.now() - 30_000;
    const t2 = Date.now() - 20_000;
    const cheap = await sendTurnOf('cheap-svc', t1, 0.001, 1);
    const dear = await sendTurnOf('dear-svc', t2, 5, 3);
    const names = async (q: string) =>
      (await getJson(`${app.url}/api/v1/runs?window=1m&${q}`)).runs.filter((r: { traceId: string }) => r.traceId === cheap || r.traceId === dear).map((r: { service: string }) => r.service);
    expect(await names('')).toEqual(['dear-svc', 'cheap-svc']);
    expect(await names('sort=time')).toEqual(['dear-svc', 'cheap-svc']);
    expect(await names('sort=cost')).toEqual(['dear-svc', 'cheap-svc']);
    expect(await names('sort=calls')).toEqual(['dear-svc', 'cheap-svc']);
    expect(await names('sort=duration')).toEqual(['cheap-svc', 'dear-svc']);
    // The turns of the other tests, a minute and more ago, are outside a 50 s window.
    const { runs } = await getJson(`${app.url}/api/v1/runs?window=50s&sort=cost&limit=1`);
    expect(runs.map((r: { service: string }) => r.service)).toEqual(['dear-svc']);
  });

  it('answers 400 for a bad sort, window or limit, and 404 for an unknown trace', async () => {
    for (const q of ['sort=price', 'window=forever', 'limit=0']) {
      const res = await fetch(`${app.url}/api/v1/runs?${q}`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/sort|window|limit/);
    }
    const res = await fetch(`${app.url}/api/v1/runs/0123456789abcdef0123456789abcdef`);
    expect(res.status).toBe(404);
  });
});

/** A root over `calls` chat calls costing `cost` in all; the cheap run lasts longer (5 s against 2 s). */
async function sendTurnOf(service: string, t0: number, cost: number, calls: number): Promise<string> {
  const t = tracerFor(app.url, 'json', { 'service.name': service });
  const root = t.start('invoke_agent', {}, t0);
  for (let i = 0; i < calls; i++) t.end(t.start('chat', chat('gpt-4o-mini', 10, 1, cost / calls), t0 + i * 100, root), t0 + i * 100 + 50);
  t.end(root, t0 + (calls === 1 ? 5000 : 2000));
  await t.shutdown();
  return root.spanContext().traceId;
}
