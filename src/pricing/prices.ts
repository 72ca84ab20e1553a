/**
 * The built-in price table: list prices in USD per million tokens, as published by each
 * provider on PRICES_AS_OF. Costs estimated from it are marked "estimated"; `--pricing FILE`
 * extends or overrides it (negotiated rates, new models, other hosts).
 *
 * Keys are base model names. Lookups match dated snapshots, provider and region prefixes
 * and version suffixes to the longest key (see price-table.ts), so a snapshot only needs its
 * own row when its price differs from its base model's (gpt-4o-2024-05-13).
 *
 * Where a provider prices long prompts higher (Gemini above 200k tokens), the row holds the
 * standard tier. cacheWrite is Anthropic's 5-minute cache write; other providers charge no
 * premium for writing the cache, so their rows leave it out (billed at the input price).
 */

export interface Price {
  /** Uncached input tokens. */
  input: number;
  output: number;
  /** Input tokens read from the prompt cache; defaults to the input price. */
  cacheRead?: number;
  /** Input tokens written to the prompt cache; defaults to the input price. */
  cacheWrite?: number;
  /** Context window in tokens, for display. */
  contextWindow?: number;
}

/** Model name → price. */
export type PriceEntries = Readonly<Record<string, Price>>;

export const PRICES_AS_OF = '2026-01';

export const BUILT_IN_PRICES: PriceEntries = {
  // --- OpenAI ---
  'gpt-5.2': { input: 1.75, output: 14, cacheRead: 0.175, contextWindow: 400_000 },
  'gpt-5.2-pro': { input: 21, output: 168, contextWindow: 400_000 },
  'gpt-5.1': { input: 1.25, output: 10, cacheRead: 0.125, contextWindow: 400_000 },
  'gpt-5.1-codex-mini': { input: 0.25, output: 2, cacheRead: 0.025, contextWindow: 400_000 },
  'gpt-5': { input: 1.25, output: 10, cacheRead: 0.125, contextWindow: 400_000 },
  'gpt-5-pro': { input: 15, output: 120, contextWindow: 400_000 },
  'gpt-5-codex-mini': { input: 0.25, output: 2, cacheRead: 0.025, contextWindow: 400_000 },
  'gpt-5-mini': { input: 0.25, output: 2, cacheRead: 0.025, contextWindow: 400_000 },
  'gpt-5-nano': { input: 0.05, output: 0.4, cacheRead: 0.005, contextWindow: 400_000 },
  'gpt-4.1': { input: 2, output: 8, cacheRead: 0.5, contextWindow: 1_047_576 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cacheRead: 0.1, contextWindow: 1_047_576 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cacheRead: 0.025, contextWindow: 1_047_576 },
  'gpt-4o': { input: 2.5, output: 10, cacheRead: 1.25, contextWindow: 128_000 },
  'gpt-4o-2024-05-13': { input: 5, output: 15, contextWindow: 128_000 },
  'gpt-4o-realtime-preview': { input: 5, output: 20, cacheRead: 2.5, contextWindow: 128_000 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cacheRead: 0.075, contextWindow: 128_000 },
  'gpt-4o-mini-realtime-preview': { input: 0.6, output: 2.4, cacheRead: 0.3, contextWindow: 128_000 },
  'chatgpt-4o': { input: 5, output: 15, contextWindow: 128_000 },
  'gpt-4-turbo': { input: 10, output: 30, contextWindow: 128_000 },
  'gpt-4-1106-preview': { input: 10, output: 30, contextWindow: 128_000 },
  'gpt-4-0125-preview': { input: 10, output: 30, contextWindow: 128_000 },
  'gpt-4-vision-preview': { input: 10, output: 30, contextWindow: 128_000 },
  'gpt-4': { input: 30, output: 60, contextWindow: 8_192 },
  'gpt-4-32k': { input: 60, output: 120, contextWindow: 32_768 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5, contextWindow: 16_385 },
  'gpt-3.5-turbo-instruct': { input: 1.5, output: 2, contextWindow: 4_096 },
  'o1': { input: 15, output: 60, cacheRead: 7.5, contextWindow: 200_000 },
  'o1-mini': { input: 1.1, output: 4.4, cacheRead: 0.55, contextWindow: 128_000 },
  'o1-pro': { input: 150, output: 600, contextWindow: 200_000 },
  'o3': { input: 2, output: 8, cacheRead: 0.5, contextWindow: 200_000 },
  'o3-pro': { input: 20, output: 80, contextWindow: 200_000 },
  'o3-mini': { input: 1.1, output: 4.4, cacheRead: 0.55, contextWindow: 200_000 },
  'o3-deep-research': { input: 10, output: 40, cacheRead: 2.5, contextWindow: 200_000 },
  'o4-mini': { input: 1.1, output: 4.4, cacheRead: 0.275, contextWindow: 200_000 },
  'o4-mini-deep-research': { input: 2, output: 8, cacheRead: 0.5, contextWindow: 200_000 },
  'codex-mini': { input: 1.5, output: 6, cacheRead: 0.375, contextWindow: 200_000 },
  'text-embedding-3-small': { input: 0.02, output: 0, contextWindow: 8_191 },
  'text-embedding-3-large': { input: 0.13, output: 0, contextWindow: 8_191 },
  'text-embedding-ada-002': { input: 0.1, output: 0, contextWindow: 8_191 },

  // --- Anthropic (cacheWrite: 5-minute cache, 1.25x input; cacheRead: 0.1x input) ---
  'claude-opus-4-5': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25, contextWindow: 200_000 },
  'claude-opus-4-1': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75, contextWindow: 200_000 },
  'claude-opus-4': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75, contextWindow: 200_000 },
  'claude-sonnet-4-5': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, contextWindow: 200_000 },
  'claude-sonnet-4': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, contextWindow: 200_000 },
  'claude-haiku-4-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25, contextWindow: 200_000 },
  'claude-3-7-sonnet': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, contextWindow: 200_000 },
  'claude-3-5-sonnet': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, contextWindow: 200_000 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1, contextWindow: 200_000 },
  'claude-3-opus': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75, contextWindow: 200_000 },
  'claude-3-sonnet': { input: 3, output: 15, contextWindow: 200_000 },
  'claude-3-haiku': { input: 0.25, output: 1.25, cacheRead: 0.03, cacheWrite: 0.3, contextWindow: 200_000 },

  // --- Google Gemini (standard tier: prompts up to 200k tokens, 128k for 1.5) ---
  'gemini-3-pro': { input: 2, output: 12, cacheRead: 0.2, contextWindow: 1_048_576 },
  'gemini-3-flash': { input: 0.5, output: 3, cacheRead: 0.05, contextWindow: 1_048_576 },
  'gemini-2.5-pro': { input: 1.25, output: 10, cacheRead: 0.125, contextWindow: 1_048_576 },
  'gemini-2.5-flash': { input: 0.3, output: 2.5, cacheRead: 0.03, contextWindow: 1_048_576 },
  'gemini-2.5-flash-lite': { input: 0.1, output: 0.4, cacheRead: 0.01, contextWindow: 1_048_576 },
  'gemini-2.0-flash': { input: 0.1, output: 0.4, cacheRead: 0.025, contextWindow: 1_048_576 },
  'gemini-2.0-flash-lite': { input: 0.075, output: 0.3, contextWindow: 1_048_576 },
  'gemini-1.5-pro': { input: 1.25, output: 5, cacheRead: 0.3125, contextWindow: 2_097_152 },
  'gemini-1.5-flash': { input: 0.075, output: 0.3, cacheRead: 0.01875, contextWindow: 1_048_576 },
  'gemini-1.5-flash-8b': { input: 0.0375, output: 0.15, cacheRead: 0.01, contextWindow: 1_048_576 },
  'gemini-embedding-001': { input: 0.15, output: 0, contextWindow: 2_048 },

  // --- Mistral (La Plateforme) ---
  'mistral-large': { input: 2, output: 6, contextWindow: 131_072 },
  'mistral-medium': { input: 0.4, output: 2, contextWindow: 131_072 },
  'mistral-small': { input: 0.1, output: 0.3, contextWindow: 131_072 },
  'magistral-medium': { input: 2, output: 5, contextWindow: 40_000 },
  'magistral-small': { input: 0.5, output: 1.5, contextWindow: 40_000 },
  'codestral': { input: 0.3, output: 0.9, contextWindow: 262_144 },
  'devstral-medium': { input: 0.4, output: 2, contextWindow: 131_072 },
  'devstral-small': { input: 0.1, output: 0.3, contextWindow: 131_072 },
  'ministral-8b': { input: 0.1, output: 0.1, contextWindow: 131_072 },
  'ministral-3b': { input: 0.04, output: 0.04, contextWindow: 131_072 },
  'pixtral-large': { input: 2, output: 6, contextWindow: 131_072 },
  'pixtral-12b': { input: 0.15, output: 0.15, contextWindow: 131_072 },
  'open-mistral-nemo': { input: 0.15, output: 0.15, contextWindow: 131_072 },
  'mistral-nemo': { input: 0.15, output: 0.15, contextWindow: 131_072 },
  'open-mixtral-8x22b': { input: 2, output: 6, contextWindow: 65_536 },
  'open-mixtral-8x7b': { input: 0.7, output: 0.7, contextWindow: 32_768 },
  'open-mistral-7b': { input: 0.25, output: 0.25, contextWindow: 32_768 },
  'mistral-embed': { input: 0.1, output: 0, contextWindow: 8_192 },

  // --- DeepSeek (V3.2 prices; cacheRead is the cache-hit input price) ---
  'deepseek-chat': { input: 0.28, output: 0.42, cacheRead: 0.028, contextWindow: 131_072 },
  'deepseek-reasoner': { input: 0.28, output: 0.42, cacheRead: 0.028, contextWindow: 131_072 },

  // --- xAI ---
  'grok-4': { input: 3, output: 15, cacheRead: 0.75, contextWindow: 256_000 },
  'grok-4-fast': { input: 0.2, output: 0.5, cacheRead: 0.05, contextWindow: 2_000_000 },
  'grok-4-1-fast': { input: 0.2, output: 0.5, cacheRead: 0.05, contextWindow: 2_000_000 },
  'grok-code-fast': { input: 0.2, output: 1.5, cacheRead: 0.02, contextWindow: 256_000 },
  'grok-3': { input: 3, output: 15, cacheRead: 0.75, contextWindow: 131_072 },
  'grok-3-fast': { input: 5, output: 25, cacheRead: 1.25, contextWindow: 131_072 },
  'grok-3-mini': { input: 0.3, output: 0.5, cacheRead: 0.075, contextWindow: 131_072 },
  'grok-3-mini-fast': { input: 0.6, output: 4, cacheRead: 0.15, contextWindow: 131_072 },
  'grok-2': { input: 2, output: 10, contextWindow: 131_072 },

  // --- Meta Llama on Amazon Bedrock (on-demand, us-east-1; ids like us.meta.llama3-3-70b-instruct-v1:0) ---
  'llama4-maverick-17b-instruct': { input: 0.24, output: 0.97, contextWindow: 1_000_000 },
  'llama4-scout-17b-instruct': { input: 0.17, output: 0.66, contextWindow: 3_500_000 },
  'llama3-3-70b-instruct': { input: 0.72, output: 0.72, contextWindow: 128_000 },
  'llama3-2-90b-instruct': { input: 0.72, output: 0.72, contextWindow: 128_000 },
  'llama3-2-11b-instruct': { input: 0.16, output: 0.16, contextWindow: 128_000 },
  'llama3-2-3b-instruct': { input: 0.15, output: 0.15, contextWindow: 128_000 },
  'llama3-2-1b-instruct': { input: 0.1, output: 0.1, contextWindow: 128_000 },
  'llama3-1-405b-instruct': { input: 2.4, output: 2.4, contextWindow: 128_000 },
  'llama3-1-70b-instruct': { input: 0.72, output: 0.72, contextWindow: 128_000 },
  'llama3-1-8b-instruct': { input: 0.22, output: 0.22, contextWindow: 128_000 },
  'llama3-70b-instruct': { input: 2.65, output: 3.5, contextWindow: 8_192 },
  'llama3-8b-instruct': { input: 0.3, output: 0.6, contextWindow: 8_192 },

  // --- Amazon Nova on Bedrock ---
  'nova-premier': { input: 2.5, output: 12.5, contextWindow: 1_000_000 },
  'nova-pro': { input: 0.8, output: 3.2, contextWindow: 300_000 },
  'nova-lite': { input: 0.06, output: 0.24, contextWindow: 300_000 },
  'nova-micro': { input: 0.035, output: 0.14, contextWindow: 128_000 },

  // --- Cohere ---
  'command-a': { input: 2.5, output: 10, contextWindow: 256_000 },
  'command-r-plus': { input: 2.5, output: 10, contextWindow: 128_000 },
  'command-r-plus-04-2024': { input: 3, output: 15, contextWindow: 128_000 },
  'command-r': { input: 0.15, output: 0.6, contextWindow: 128_000 },
  'command-r-03-2024': { input: 0.5, output: 1.5, contextWindow: 128_000 },
  'command-r7b': { input: 0.0375, output: 0.15, contextWindow: 128_000 },
  'embed-v4': { input: 0.12, output: 0, contextWindow: 128_000 },
  'embed-english': { input: 0.1, output: 0, contextWindow: 512 },
  'embed-multilingual': { input: 0.1, output: 0, contextWindow: 512 },
};
