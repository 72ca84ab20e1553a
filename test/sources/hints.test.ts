import { describe, expect, it } from 'vitest';
import { hintsFor } from '../../src/sources/hints.js';
import type { ServiceEvidence } from '../../src/sources/tracker.js';

const base: ServiceEvidence = { service: 'app', conventions: [], languages: [], calls: 3, withText: 0, withTokens: 3, streamed: 0, streamedWithTtft: 0, modelless: 0, modellessExample: null };

describe('hintsFor: the setting that turns prompt capture on, per SDK', () => {
  it.each([
    [['openlit'], ['python'], 'openlit.init(capture_message_content=True)'],
    [['openlit'], ['nodejs'], 'Openlit.init({ captureMessageContent: true })'],
    [['claude-code'], [], 'OTEL_LOG_USER_PROMPTS=1 OTEL_LOG_ASSISTANT_RESPONSES=1'],
    [['codex'], [], '[otel] log_user_prompt = true and log_agent_responses = true in ~/.codex/config.toml'],
    [['gemini-cli'], ['nodejs'], '"telemetry": { "logPrompts": true } in ~/.gemini/settings.json, or GEMINI_TELEMETRY_LOG_PROMPTS=true'],
    [['openllmetry'], ['python'], 'TRACELOOP_TRACE_CONTENT=true'],
    [['vercel-ai'], ['nodejs'], 'experimental_telemetry: { isEnabled: true, recordInputs: true, recordOutputs: true }'],
    [['gen_ai'], ['python'], 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true'],
  ])('%s %s → %s', (conventions, languages, fix) => {
    expect(hintsFor([{ ...base, conventions, languages }])).toEqual([{ service: 'app', kind: 'no-text', message: 'none of 3 calls carry prompt text', fix }]);
  });
});

describe('hintsFor: each missing thing, and nothing when present', () => {
  it.each([
    [{ withText: 1 }, []],
    [{ withText: 1, withTokens: 0 }, ['no-tokens']],
    [{ withText: 1, streamed: 2, streamedWithTtft: 0 }, ['no-ttft']],
    [{ withText: 1, streamed: 2, streamedWithTtft: 1 }, []],
    [{ withText: 1, modelless: 4, modellessExample: 'chat' }, ['modelless']],
    [{ calls: 0, withTokens: 0, modelless: 1, modellessExample: 'chat' }, ['modelless']],
  ] as [Partial<ServiceEvidence>, string[]][])('%j → %j', (evidence, kinds) => {
    expect(hintsFor([{ ...base, ...evidence }]).map((h) => h.kind)).toEqual(kinds);
  });
});
