import { describe, expect, it } from 'vitest';
import { normalizeProvider, providerFromModel } from '../../src/normalize/provider.js';

describe('normalizeProvider', () => {
  const cases: Array<[raw: string, provider: string]> = [
    ['openai', 'openai'],
    ['OpenAI', 'openai'],
    [' openai ', 'openai'],
    ['openai.chat', 'openai'], // Vercel AI SDK provider ids
    ['openai.responses', 'openai'],
    ['openai.embedding', 'openai'],
    ['anthropic.messages', 'anthropic'],
    ['Anthropic', 'anthropic'], // OpenLLMetry
    ['az.ai.inference', 'azure'], // openlit, older GenAI conventions
    ['az.ai.openai', 'azure'],
    ['azure.ai.inference', 'azure'], // current GenAI conventions
    ['azure.ai.openai', 'azure'],
    ['azure-openai.chat', 'azure'],
    ['Azure', 'azure'], // OpenLLMetry vendor from the base URL
    ['aws.bedrock', 'bedrock'],
    ['amazon-bedrock', 'bedrock'],
    ['amazon-bedrock.chat', 'bedrock'],
    ['aws', 'bedrock'], // OpenInference llm.provider
    ['AWS', 'bedrock'],
    ['gcp.gemini', 'google'],
    ['gcp.vertex_ai', 'google'],
    ['gcp.gen_ai', 'google'],
    ['google.generative-ai', 'google'],
    ['google.vertex.chat', 'google'],
    ['google.ai.studio', 'google'],
    ['vertex_ai', 'google'],
    ['vertexai', 'google'],
    ['gemini', 'google'],
    ['mistral_ai', 'mistral'],
    ['mistralai', 'mistral'],
    ['mistral.chat', 'mistral'],
    ['x_ai', 'xai'],
    ['xai.chat', 'xai'],
    ['ibm.watsonx.ai', 'ibm'],
    ['ibm.watson.ai', 'ibm'],
    ['cohere.chat', 'cohere'],
    ['groq', 'groq'],
    ['deepseek.chat', 'deepseek'],
    ['openrouter', 'openrouter'],
    ['Langchain', 'langchain'],
  ];
  it.each(cases)('%s → %s', (raw, provider) => {
    expect(normalizeProvider(raw)).toBe(provider);
  });
});

describe('providerFromModel', () => {
  const cases: Array<[model: string, provider: string | null]> = [
    ['gpt-4o-mini-2024-07-18', 'openai'],
    ['GPT-4o', 'openai'],
    ['o3-mini', 'openai'],
    ['o4-mini-2025-04-16', 'openai'],
    ['chatgpt-4o-latest', 'openai'],
    ['text-embedding-3-small', 'openai'],
    ['gpt-5-codex', 'openai'],
    ['openai/gpt-4o', 'openai'],
    ['claude-3-5-sonnet-20241022', 'anthropic'],
    ['claude-sonnet-4-5@20250929', 'anthropic'], // Vertex AI
    // Bedrock model ids and inference profiles name the vendor first.
    ['anthropic.claude-3-haiku-20240307-v1:0', 'anthropic'],
    ['us.anthropic.claude-sonnet-4-20250514-v1:0', 'anthropic'],
    ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic'],
    ['meta.llama3-70b-instruct-v1:0', 'meta'],
    ['us.meta.llama3-2-90b-instruct-v1:0', 'meta'],
    ['amazon.nova-pro-v1:0', 'amazon'],
    ['eu.amazon.nova-lite-v1:0', 'amazon'],
    ['amazon.titan-embed-text-v2:0', 'amazon'],
    ['cohere.command-r-plus-v1:0', 'cohere'],
    ['mistral.mistral-large-2407-v1:0', 'mistral'],
    ['ai21.jamba-1-5-large-v1:0', 'ai21'],
    ['deepseek.r1-v1:0', 'deepseek'],
    ['openai.gpt-oss-120b-1:0', 'openai'],
    ['models/gemini-1.5-pro', 'google'],
    ['gemini-2.5-flash', 'google'],
    ['gemma-3-27b-it', 'google'],
    ['meta-llama/Llama-3.3-70B-Instruct', 'meta'],
    ['llama3.1:8b', 'meta'],
    ['mistralai/Mixtral-8x7B-Instruct-v0.1', 'mistral'],
    ['codestral-latest', 'mistral'],
    ['deepseek-chat', 'deepseek'],
    ['grok-3', 'xai'],
    ['command-r-plus', 'cohere'],
    ['qwen2.5-72b-instruct', 'alibaba'],
    ['sonar-pro', 'perplexity'],
    ['my-finetune', null],
    ['', null],
  ];
  it.each(cases)('%s → %s', (model, provider) => {
    expect(providerFromModel(model)).toBe(provider);
  });
});
