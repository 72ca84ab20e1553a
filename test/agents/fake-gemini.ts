import { fakeId, pieces, sendJson, sendSse, startFakeProvider, type FakeProvider, type Turns } from './fake-provider.js';

/*
 * A fake Gemini API (Generative Language v1beta) for Gemini CLI:
 *   POST /v1beta/models/{model}:generateContent                -> one GenerateContentResponse
 *   POST /v1beta/models/{model}:streamGenerateContent?alt=sse  -> one per chunk, as SSE
 *   POST /v1beta/models/{model}:countTokens                    -> { totalTokens }
 * Like the real API, every streamed chunk carries usageMetadata with the prompt count and the
 * last one the full counts and the finish reason.
 */

export interface GeminiUsage {
  promptTokenCount: number;
  candidatesTokenCount: number;
  cachedContentTokenCount: number;
  thoughtsTokenCount: number;
}

const ROUTE = /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;

/** `firstTokenMs`: how long a stream waits before its first chunk, as a model thinks. */
export function startFakeGemini(turns: Turns<GeminiUsage>, opts: { firstTokenMs?: number } = {}): Promise<FakeProvider> {
  let served = 0;
  return startFakeProvider(async (x, body, req, res) => {
    const route = ROUTE.exec(x.path);
    if (route) x.model = decodeURIComponent(route[2]!);
    if (req.method !== 'POST' || !route) {
      sendJson(res, 404, { error: { code: 404, message: `fake: no route ${req.method} ${x.path}`, status: 'NOT_FOUND' } });
      return;
    }
    x.status = 200;
    if (route[3] === 'countTokens') {
      sendJson(res, 200, { totalTokens: 10 });
      return;
    }
    const turn = turns(++served, body);
    const u = turn.usage;
    const usageMetadata = {
      ...u,
      totalTokenCount: u.promptTokenCount + u.candidatesTokenCount + u.thoughtsTokenCount,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: u.promptTokenCount }],
      cacheTokensDetails: [{ modality: 'TEXT', tokenCount: u.cachedContentTokenCount }],
    };
    x.stream = route[3] === 'streamGenerateContent';
    x.answer = { text: turn.text, usage: { ...u } };
    const responseId = fakeId('gresp');
    const chunk = (text: string, last: boolean) => ({
      candidates: [{ content: { role: 'model', parts: [{ text }] }, ...(last ? { finishReason: 'STOP' } : {}), index: 0 }],
      usageMetadata: last ? usageMetadata : { promptTokenCount: u.promptTokenCount, totalTokenCount: u.promptTokenCount },
      modelVersion: x.model,
      responseId,
    });
    if (!x.stream) {
      sendJson(res, 200, chunk(turn.text, true));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    await new Promise((r) => setTimeout(r, opts.firstTokenMs ?? 0));
    const parts = pieces(turn.text);
    parts.forEach((p, i) => sendSse(res, null, chunk(p, i === parts.length - 1)));
    res.end();
  });
}
