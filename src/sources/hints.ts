import type { Group } from '../domain/summary.js';
import type { Hint } from '../domain/sources.js';
import type { ServiceEvidence } from './tracker.js';

/** The setting that makes each SDK send prompt and response text. */
function captureSetting(e: ServiceEvidence): string {
  if (e.conventions.includes('openlit'))
    return e.languages.includes('python') || e.languages.length === 0
      ? 'openlit.init(capture_message_content=True)'
      : 'Openlit.init({ captureMessageContent: true })';
  if (e.conventions.includes('claude-code')) return 'OTEL_LOG_USER_PROMPTS=1 OTEL_LOG_ASSISTANT_RESPONSES=1';
  if (e.conventions.includes('codex')) return '[otel] log_user_prompt = true and log_agent_responses = true in ~/.codex/config.toml';
  if (e.conventions.includes('gemini-cli')) return '"telemetry": { "logPrompts": true } in ~/.gemini/settings.json, or GEMINI_TELEMETRY_LOG_PROMPTS=true';
  if (e.conventions.includes('openllmetry')) return 'TRACELOOP_TRACE_CONTENT=true';
  if (e.conventions.includes('vercel-ai')) return 'experimental_telemetry: { isEnabled: true, recordInputs: true, recordOutputs: true }';
  if (e.conventions.includes('openinference')) return 'OPENINFERENCE_HIDE_INPUTS=false OPENINFERENCE_HIDE_OUTPUTS=false';
  return 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true';
}

/**
 * Models with calls but no known price, per service (from a summary grouped by service,
 * provider and model): their cost shows as `?`, and how to price them.
 */
export function unpricedHints(groups: readonly Group[]): Hint[] {
  return groups
    .filter((g) => g.unpricedCalls > 0)
    .map((g) => ({
      service: g.service ?? '',
      kind: 'unpriced' as const,
      message: `${g.unpricedCalls} calls of ${g.provider}/${g.model} have no known price: their cost shows as ?, and totals are floors`,
      fix: `--pricing prices.json with {"models": {${JSON.stringify(`${g.provider}/${g.model}`)}: {"input": <USD per 1M>, "output": <USD per 1M>}}}`,
    }));
}

/** Per service, what its telemetry lacks that the views need: pure, from the tracker's counts. */
export function hintsFor(evidence: readonly ServiceEvidence[]): Hint[] {
  const hints: Hint[] = [];
  for (const e of evidence) {
    const s = e.service;
    if (e.calls > 0 && e.withText === 0)
      hints.push({ service: s, kind: 'no-text', message: `none of ${e.calls} calls carry prompt text`, fix: captureSetting(e) });
    if (e.calls > 0 && e.withTokens === 0)
      hints.push({ service: s, kind: 'no-tokens', message: `none of ${e.calls} calls carry token counts: no tokens, estimated cost is 0`, fix: null });
    if (e.streamed > 0 && e.streamedWithTtft === 0)
      hints.push({ service: s, kind: 'no-ttft', message: `${e.streamed} streamed calls carry no time to first token: its SDK does not report it`, fix: null });
    if (e.modelless > 0)
      hints.push({
        service: s,
        kind: 'modelless',
        message: `${e.modelless} spans look like LLM calls (e.g. "${e.modellessExample}") but name no model nor tokens: not counted`,
        fix: 'set gen_ai.request.model (or gen_ai.response.model) on them',
      });
  }
  return hints;
}
