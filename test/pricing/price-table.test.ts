import { describe, expect, it } from 'vitest';
import { BUILT_IN_PRICES, PRICES_AS_OF, PriceTable, normalizeModelName } from '../../src/pricing/index.js';

const table = PriceTable.builtIn();

describe('PriceTable.lookup: the spellings SDKs and hosts report, matched to a base model', () => {
  const cases: Array<[provider: string, model: string, expected: string]> = [
    // OpenAI: dated snapshots, -latest aliases, case, longest match
    ['openai', 'gpt-4o', 'gpt-4o'],
    ['openai', 'gpt-4o-2024-08-06', 'gpt-4o'],
    ['openai', 'gpt-4o-2024-05-13', 'gpt-4o-2024-05-13'], // its own, higher price
    ['openai', 'GPT-4o-Mini', 'gpt-4o-mini'],
    ['openai', 'gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['openai', 'chatgpt-4o-latest', 'chatgpt-4o'],
    ['openai', 'gpt-4.1', 'gpt-4.1'],
    ['openai', 'gpt-4.1-mini-2025-04-14', 'gpt-4.1-mini'],
    ['openai', 'gpt-4.1-nano', 'gpt-4.1-nano'],
    ['openai', 'gpt-4-0613', 'gpt-4'],
    ['openai', 'gpt-4-turbo-2024-04-09', 'gpt-4-turbo'],
    ['openai', 'gpt-5-2025-08-07', 'gpt-5'],
    ['openai', 'gpt-5-mini-2025-08-07', 'gpt-5-mini'],
    ['openai', 'gpt-5-nano', 'gpt-5-nano'],
    ['openai', 'gpt-5.1-chat-latest', 'gpt-5.1'],
    ['openai', 'gpt-5.2-2025-12-11', 'gpt-5.2'],
    ['openai', 'o1-2024-12-17', 'o1'],
    ['openai', 'o1-mini', 'o1-mini'],
    ['openai', 'o3', 'o3'],
    ['openai', 'o3-mini-2025-01-31', 'o3-mini'],
    ['openai', 'o4-mini-2025-04-16', 'o4-mini'],
    ['openai', 'codex-mini-latest', 'codex-mini'],
    ['openai', 'text-embedding-3-small', 'text-embedding-3-small'],
    ['openai', 'text-embedding-3-large', 'text-embedding-3-large'],
    ['openrouter', 'openai/gpt-4o', 'gpt-4o'],
    ['azure.ai.openai', 'gpt-4o-mini', 'gpt-4o-mini'],
    // Anthropic: API, Vertex (@date, -v2), Bedrock (region.vendor. ... -vN:N), OpenRouter dots
    ['anthropic', 'claude-3-5-sonnet-20241022', 'claude-3-5-sonnet'],
    ['anthropic', 'claude-3-5-sonnet-latest', 'claude-3-5-sonnet'],
    ['anthropic', 'claude-3-7-sonnet-20250219', 'claude-3-7-sonnet'],
    ['anthropic', 'claude-3-5-haiku-20241022', 'claude-3-5-haiku'],
    ['anthropic', 'claude-3-opus-20240229', 'claude-3-opus'],
    ['anthropic', 'claude-sonnet-4-20250514', 'claude-sonnet-4'],
    ['anthropic', 'claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['anthropic', 'claude-opus-4-20250514', 'claude-opus-4'],
    ['anthropic', 'claude-opus-4-1-20250805', 'claude-opus-4-1'],
    ['anthropic', 'claude-opus-4-5-20251101', 'claude-opus-4-5'],
    ['anthropic', 'claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
    ['gcp.vertex_ai', 'claude-sonnet-4-5@20250929', 'claude-sonnet-4-5'],
    ['gcp.vertex_ai', 'claude-3-5-sonnet-v2@20241022', 'claude-3-5-sonnet'],
    ['aws.bedrock', 'us.anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-3-5-sonnet'],
    ['aws.bedrock', 'anthropic.claude-3-haiku-20240307-v1:0', 'claude-3-haiku'],
    ['aws.bedrock', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
    ['aws.bedrock', 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0', 'claude-3-7-sonnet'],
    ['openrouter', 'anthropic/claude-3.5-sonnet', 'claude-3-5-sonnet'],
    ['openrouter', 'anthropic/claude-sonnet-4.5', 'claude-sonnet-4-5'],
    // Google
    ['gcp.gemini', 'models/gemini-1.5-pro', 'gemini-1.5-pro'],
    ['gcp.gemini', 'gemini-1.5-pro-002', 'gemini-1.5-pro'],
    ['gcp.gemini', 'gemini-1.5-flash-8b', 'gemini-1.5-flash-8b'],
    ['gcp.gemini', 'gemini-1.5-flash-latest', 'gemini-1.5-flash'],
    ['gcp.gemini', 'gemini-2.0-flash-001', 'gemini-2.0-flash'],
    ['gcp.gemini', 'gemini-2.0-flash-lite', 'gemini-2.0-flash-lite'],
    ['gcp.gemini', 'gemini-2.5-pro', 'gemini-2.5-pro'],
    ['gcp.gemini', 'gemini-2.5-flash-preview-05-20', 'gemini-2.5-flash'],
    ['gcp.gemini', 'gemini-2.5-flash-lite', 'gemini-2.5-flash-lite'],
    ['gcp.vertex_ai', 'publishers/google/models/gemini-2.5-pro', 'gemini-2.5-pro'],
    // Mistral, DeepSeek, xAI, Meta and Amazon on Bedrock, Cohere
    ['mistral_ai', 'mistral-large-latest', 'mistral-large'],
    ['mistral_ai', 'mistral-small-2503', 'mistral-small'],
    ['mistral_ai', 'codestral-2501', 'codestral'],
    ['aws.bedrock', 'mistral.mistral-large-2407-v1:0', 'mistral-large'],
    ['deepseek', 'deepseek-chat', 'deepseek-chat'],
    ['deepseek', 'deepseek-reasoner', 'deepseek-reasoner'],
    ['xai', 'grok-4-0709', 'grok-4'],
    ['xai', 'grok-4-fast-reasoning', 'grok-4-fast'],
    ['xai', 'grok-4.1-fast-non-reasoning', 'grok-4-1-fast'],
    ['xai', 'grok-code-fast-1', 'grok-code-fast'],
    ['xai', 'grok-3', 'grok-3'],
    ['xai', 'grok-3-mini', 'grok-3-mini'],
    ['aws.bedrock', 'us.meta.llama3-3-70b-instruct-v1:0', 'llama3-3-70b-instruct'],
    ['aws.bedrock', 'meta.llama3-1-8b-instruct-v1:0', 'llama3-1-8b-instruct'],
    ['aws.bedrock', 'meta.llama3-70b-instruct-v1:0', 'llama3-70b-instruct'],
    ['aws.bedrock', 'us.meta.llama4-maverick-17b-instruct-v1:0', 'llama4-maverick-17b-instruct'],
    ['aws.bedrock', 'amazon.nova-pro-v1:0', 'nova-pro'],
    ['cohere', 'command-r-plus-08-2024', 'command-r-plus'],
    ['cohere', 'command-r-plus-04-2024', 'command-r-plus-04-2024'],
    ['cohere', 'command-r-08-2024', 'command-r'],
    ['cohere', 'command-r7b-12-2024', 'command-r7b'],
    ['cohere', 'command-a-03-2025', 'command-a'],
    ['cohere', 'embed-english-v3.0', 'embed-english'],
  ];

  it.each(cases)('%s %s → %s', (provider, model, expected) => {
    expect(table.lookup(provider, model)?.model).toBe(expected);
  });

  it('returns the price of the matched row', () => {
    expect(table.lookup('openai', 'gpt-4o-mini-2024-07-18')?.price).toEqual(BUILT_IN_PRICES['gpt-4o-mini']);
    expect(table.lookup('openai', 'gpt-4o-2024-08-06')?.price.input).toBe(2.5);
    expect(table.lookup('openai', 'gpt-4o-2024-05-13')?.price.input).toBe(5);
  });

  const unknown: Array<[provider: string, model: string]> = [
    ['fireworks', 'accounts/fireworks/models/llama-v3p1-70b-instruct'],
    ['groq', 'llama-3.3-70b-versatile'],
    ['openai', 'ft:gpt-4o-mini-2024-07-18:acme::abc123'],
    ['openai', 'gpt-4x'], // gpt-4 is a prefix, but not at a separator
    ['openai', 'gpt'],
    ['anthropic', 'claude'],
    ['acme', 'acme-private-model'],
    ['openai', ''],
    ['openai', 'models/'],
  ];

  it.each(unknown)('%s %j → null', (provider, model) => {
    expect(table.lookup(provider, model)).toBeNull();
  });

  it('finds every built-in row by its own name and its dated snapshots (no two rows collide)', () => {
    for (const name of Object.keys(BUILT_IN_PRICES)) {
      expect(table.lookup('', name)?.model, name).toBe(name);
      expect(table.lookup('', `${name}-2025-01-01`)?.model, name).toBe(name);
    }
  });

  it('answers the same on repeated lookups (memoized)', () => {
    const first = table.lookup('openai', 'gpt-4o-2024-11-20');
    expect(table.lookup('openai', 'gpt-4o-2024-11-20')).toBe(first);
  });
});

describe('the built-in table', () => {
  it('is dated and holds only sane, non-negative prices', () => {
    expect(PRICES_AS_OF).toMatch(/^20\d\d-\d\d/);
    for (const [name, p] of Object.entries(BUILT_IN_PRICES)) {
      for (const v of [p.input, p.output, p.cacheRead, p.cacheWrite, p.contextWindow]) {
        if (v !== undefined) expect(v >= 0 && Number.isFinite(v), name).toBe(true);
      }
      // A cache read is never dearer than plain input.
      if (p.cacheRead !== undefined) expect(p.cacheRead, name).toBeLessThanOrEqual(p.input);
    }
  });
});

describe('normalizeModelName', () => {
  it.each([
    ['us.anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-3-5-sonnet-20241022-v2:0'],
    ['models/gemini-1.5-pro', 'gemini-1-5-pro'],
    ['claude-sonnet-4-5@20250929', 'claude-sonnet-4-5'],
    ['  OpenAI/GPT-4.1  ', 'gpt-4-1'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeModelName(input)).toBe(expected);
  });
});

describe('PriceTable.withOverrides', () => {
  it('adds models and replaces whole rows, leaving the original table alone', () => {
    const custom = table.withOverrides({
      'gpt-4o': { input: 1, output: 2 },
      'acme-private-model': { input: 0.5, output: 1 },
    });
    expect(custom.lookup('openai', 'gpt-4o-2024-08-06')).toEqual({ model: 'gpt-4o', price: { input: 1, output: 2 } });
    expect(custom.lookup('openai', 'gpt-4o-mini')?.price.input).toBe(0.15); // longest match still wins
    expect(custom.lookup('acme', 'acme-private-model-v2')?.model).toBe('acme-private-model');
    expect(table.lookup('openai', 'gpt-4o')?.price.input).toBe(2.5);
    expect(table.lookup('acme', 'acme-private-model')).toBeNull();
    expect(custom.size).toBe(table.size + 1);
  });

  it('replaces a built-in row however the override spells its name', () => {
    const custom = table.withOverrides({ 'claude-3.5-sonnet': { input: 9, output: 9 } });
    expect(custom.lookup('aws.bedrock', 'us.anthropic.claude-3-5-sonnet-20241022-v2:0')).toEqual({
      model: 'claude-3.5-sonnet',
      price: { input: 9, output: 9 },
    });
  });

  it('matches provider-qualified names exactly, for models served by other hosts', () => {
    const custom = table.withOverrides({
      'groq/llama-3.3-70b-versatile': { input: 0.59, output: 0.79 },
      'accounts/fireworks/models/llama-v3p1-70b-instruct': { input: 0.9, output: 0.9 },
    });
    expect(custom.lookup('groq', 'llama-3.3-70b-versatile')?.price.input).toBe(0.59);
    expect(custom.lookup('together', 'llama-3.3-70b-versatile')).toBeNull();
    expect(custom.lookup('fireworks', 'accounts/fireworks/models/llama-v3p1-70b-instruct')?.price.input).toBe(0.9);
  });

  it('later overrides win over earlier ones', () => {
    const custom = table.withOverrides({ 'gpt-4o': { input: 1, output: 1 } }).withOverrides({ 'gpt-4o': { input: 7, output: 7 } });
    expect(custom.lookup('openai', 'gpt-4o')?.price.input).toBe(7);
  });
});
