/** Provider names as the conventions spell them, mapped to one name per vendor or platform. */
const ALIASES: Record<string, string> = {
  'azure.ai.openai': 'azure',
  'azure.ai.inference': 'azure',
  az: 'azure',
  'azure-openai': 'azure',
  azure_openai: 'azure',
  aws: 'bedrock',
  'aws.bedrock': 'bedrock',
  'amazon-bedrock': 'bedrock',
  aws_bedrock: 'bedrock',
  'gcp.gemini': 'google',
  'gcp.vertex_ai': 'google',
  'gcp.gen_ai': 'google',
  'google.generative-ai': 'google',
  'google.vertex': 'google',
  vertex_ai: 'google',
  vertexai: 'google',
  gemini: 'google',
  'google-genai': 'google',
  mistral_ai: 'mistral',
  mistralai: 'mistral',
  x_ai: 'xai',
  'ibm.watsonx.ai': 'ibm',
  'cohere.chat': 'cohere',
};

/** Platform prefixes whose next segment is not the vendor (keep them whole). */
const PLATFORMS = new Set(['azure', 'aws', 'gcp', 'google', 'ibm']);

/** "openai.chat" → "openai", "anthropic.messages" → "anthropic", "aws.bedrock" → "bedrock". */
export function normalizeProvider(raw: string): string {
  const name = raw.trim().toLowerCase();
  const alias = ALIASES[name];
  if (alias) return alias;
  const dot = name.indexOf('.');
  const head = dot < 0 ? name : name.slice(0, dot);
  if (PLATFORMS.has(head) && name.includes('.')) return ALIASES[name] ?? head;
  return ALIASES[head] ?? head;
}

const BY_MODEL: [RegExp, string][] = [
  [/^(gpt-|o1|o3|o4|chatgpt|text-embedding|davinci|babbage|dall-e|whisper|tts-|omni-moderation|codex)/, 'openai'],
  [/^claude/, 'anthropic'],
  [/^(gemini|gemma|palm|text-bison|chat-bison)/, 'google'],
  [/^(mistral|mixtral|codestral|ministral|magistral|pixtral|devstral|open-mistral)/, 'mistral'],
  [/^deepseek/, 'deepseek'],
  [/^grok/, 'xai'],
  [/^(llama|meta-llama)/, 'meta'],
  [/^(command|embed-english|embed-multilingual|rerank)/, 'cohere'],
  [/^(qwen|qwq)/, 'alibaba'],
  [/^(sonar|pplx)/, 'perplexity'],
];

/** Bedrock model ids name their vendor first: "us.anthropic.claude-…", "amazon.nova-pro-v1:0". */
const BEDROCK_ID = /^(?:(?:us|us-gov|eu|apac|au|ca|jp|global)\.)?(anthropic|meta|mistral|cohere|amazon|ai21|deepseek|openai|writer)\./;

/** The vendor a model name tells when nothing else does. */
export function providerFromModel(model: string): string | null {
  const base = model.toLowerCase().split('/').pop()!;
  const vendor = BEDROCK_ID.exec(base)?.[1];
  if (vendor) return vendor;
  for (const [re, provider] of BY_MODEL) if (re.test(base)) return provider;
  return null;
}
