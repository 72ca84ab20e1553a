import { describe, expect, it } from 'vitest';
import type { AttrValue, Attrs } from '../../src/otlp/request.js';
import { chunkedText, indexedMessages, messagesText, textFromAttributes } from '../../src/normalize/text.js';

describe('messagesText', () => {
  const cases: Array<[name: string, value: AttrValue | undefined, text: string | null]> = [
    ['absent', undefined, null],
    ['null', null, null],
    ['empty string', '', null],
    ['plain text', 'How do I reset my password?', 'How do I reset my password?'],
    ['text that only looks like JSON', '[not json', '[not json'],
    ['JSON that is not messages stays as sent', '{"score": 3}', '{"score": 3}'],
    ['one message is just its text', '[{"role":"user","content":"hi"}]', 'hi'],
    [
      'GenAI JSON parts, several messages',
      JSON.stringify([
        { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
        { role: 'user', parts: [{ type: 'text', content: 'Capital of France?' }] },
      ]),
      'system: Be brief.\nuser: Capital of France?',
    ],
    [
      'GenAI parts as structured AnyValue (log event attributes)',
      [{ role: 'assistant', parts: [{ type: 'text', content: 'Paris.' }], finish_reason: 'stop' }],
      'Paris.',
    ],
    ['several text parts of one message', [{ role: 'user', parts: [{ type: 'text', content: 'a' }, { type: 'text', content: 'b' }] }], 'a\nb'],
    ['GenAI tool call part', [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }] }], '[tool call get_weather]'],
    ['AI SDK tool-call part', '[{"role":"assistant","content":[{"type":"tool-call","toolCallId":"c1","toolName":"getWeather","args":{}}]}]', '[tool call getWeather]'],
    ['tool result part', [{ role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: { rain: 0.8 } }] }], '[tool result]'],
    ['reasoning is not the answer', [{ role: 'assistant', parts: [{ type: 'reasoning', content: 'Let me think…' }, { type: 'text', content: '42' }] }], '42'],
    ['AI SDK content parts {type, text}', '[{"role":"user","content":[{"type":"text","text":"Summarise this."}]}]', 'Summarise this.'],
    ['AI SDK ai.prompt with system and prompt', '{"system":"Be terse.","prompt":"Explain DNS."}', 'system: Be terse.\nuser: Explain DNS.'],
    ['AI SDK ai.prompt with only a prompt', '{"prompt":"Explain DNS."}', 'Explain DNS.'],
    ['AI SDK ai.prompt with messages', '{"system":"S","messages":[{"role":"user","content":"U"}]}', 'system: S\nuser: U'],
    ['OpenInference input.value request body', '{"messages": [{"role": "user", "content": "Q?"}], "model": "gpt-4o"}', 'Q?'],
    [
      'OpenAI response body (OpenInference output.value)',
      '{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"A."}}],"usage":{"prompt_tokens":1}}',
      'A.',
    ],
    ['Semantic Kernel role spelling is kept', '[{"role":"Assistant","content":"144"},{"role":"Assistant","content":"!"}]', 'Assistant: 144\nAssistant: !'],
  ];
  it.each(cases)('%s', (_name, value, text) => {
    expect(messagesText(value)).toBe(text);
  });
});

describe('indexedMessages', () => {
  it('reads OpenLLMetry gen_ai.prompt.N.role/content in order and stops at the first gap', () => {
    const a: Attrs = {
      'gen_ai.prompt.0.role': 'system',
      'gen_ai.prompt.0.content': 'S',
      'gen_ai.prompt.1.role': 'user',
      'gen_ai.prompt.1.content': 'U',
      'gen_ai.prompt.3.role': 'user',
      'gen_ai.prompt.3.content': 'after a gap',
    };
    expect(indexedMessages(a, 'gen_ai.prompt', 'role', 'content')).toBe('system: S\nuser: U');
  });

  it('parses content that OpenLLMetry serialized as a JSON list of parts', () => {
    const a: Attrs = { 'gen_ai.prompt.0.role': 'user', 'gen_ai.prompt.0.content': '[{"type": "text", "text": "What is in this image?"}, {"type": "image_url", "image_url": {"url": "https://x/y.png"}}]' };
    expect(indexedMessages(a, 'gen_ai.prompt', 'role', 'content')).toBe('What is in this image?');
  });

  it('reads OpenInference message.contents parts when there is no message.content', () => {
    const a: Attrs = {
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.contents.0.message_content.type': 'image',
      'llm.input_messages.0.message.contents.0.message_content.image.image.url': 'https://x/y.png',
      'llm.input_messages.0.message.contents.1.message_content.type': 'text',
      'llm.input_messages.0.message.contents.1.message_content.text': 'Describe it.',
    };
    expect(indexedMessages(a, 'llm.input_messages', 'message.role', 'message.content')).toBe('Describe it.');
  });

  it('shows flattened tool calls (OpenInference and OpenLLMetry)', () => {
    expect(
      indexedMessages({ 'llm.output_messages.0.message.role': 'assistant', 'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'search' }, 'llm.output_messages', 'message.role', 'message.content'),
    ).toBe('[tool call search]');
    expect(
      indexedMessages({ 'gen_ai.completion.0.role': 'assistant', 'gen_ai.completion.0.tool_calls.0.name': 'lookup', 'gen_ai.completion.0.tool_calls.1.name': 'book' }, 'gen_ai.completion', 'role', 'content'),
    ).toBe('[tool call lookup]\n[tool call book]');
  });

  it('is null when there are no messages', () => {
    expect(indexedMessages({}, 'gen_ai.prompt', 'role', 'content')).toBeNull();
  });
});

describe('textFromAttributes', () => {
  const cases: Array<[where: string, attrs: Attrs, prompt: string | null, response: string | null]> = [
    ['gen_ai.input.messages / gen_ai.output.messages', { 'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"P"}]}]', 'gen_ai.output.messages': '[{"role":"assistant","parts":[{"type":"text","content":"R"}]}]' }, 'P', 'R'],
    [
      'gen_ai.system_instructions before gen_ai.input.messages',
      { 'gen_ai.system_instructions': '[{"type":"text","content":"Be brief."}]', 'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"Say hello"}]}]' },
      'system: Be brief.\nuser: Say hello',
      null,
    ],
    [
      'gen_ai.system_instructions not repeated when the messages hold the system message (openlit)',
      { 'gen_ai.system_instructions': '[{"type":"text","content":"Be brief."}]', 'gen_ai.input.messages': '[{"role":"system","parts":[{"type":"text","content":"Be brief."}]},{"role":"user","parts":[{"type":"text","content":"Hi"}]}]' },
      'system: Be brief.\nuser: Hi',
      null,
    ],
    ['gen_ai.system_instructions alone is no prompt', { 'gen_ai.system_instructions': '[{"type":"text","content":"Be brief."}]', 'gen_ai.prompt': 'P' }, 'P', null],
    ['gen_ai.prompt / gen_ai.completion', { 'gen_ai.prompt': 'user: P', 'gen_ai.completion': 'R' }, 'user: P', 'R'],
    ['gen_ai.content.prompt / gen_ai.content.completion attributes', { 'gen_ai.content.prompt': 'P', 'gen_ai.content.completion': 'R' }, 'P', 'R'],
    ['gen_ai.prompt.N / gen_ai.completion.N', { 'gen_ai.prompt.0.content': 'P', 'gen_ai.completion.0.content': 'R' }, 'P', 'R'],
    ['llm.input_messages / llm.output_messages', { 'llm.input_messages.0.message.content': 'P', 'llm.output_messages.0.message.content': 'R' }, 'P', 'R'],
    ['ai.prompt.messages / ai.response.text', { 'ai.prompt.messages': '[{"role":"user","content":"P"}]', 'ai.response.text': 'R' }, 'P', 'R'],
    ['ai.prompt', { 'ai.prompt': '{"prompt":"P"}' }, 'P', null],
    ['ai.response.toolCalls (AI SDK 4, no type)', { 'ai.response.toolCalls': '[{"toolCallType":"function","toolCallId":"c1","toolName":"getWeather","args":"{}"}]' }, null, '[tool call getWeather]'],
    ['ai.response.toolCalls (AI SDK 5)', { 'ai.response.toolCalls': '[{"type":"tool-call","toolCallId":"c1","toolName":"get_weather","input":{}}]' }, null, '[tool call get_weather]'],
    ['ai.response.text before ai.response.toolCalls', { 'ai.response.text': 'R', 'ai.response.toolCalls': '[{"toolName":"x"}]' }, null, 'R'],
    ['ai.value (embed, JSON-encoded)', { 'ai.value': '"sunny day"' }, 'sunny day', null],
    ['ai.values (embedMany, JSON-encoded each)', { 'ai.values': ['"a"', '"b"'] }, 'a\nb', null],
    ['input.value / output.value', { 'input.value': 'P', 'output.value': 'R' }, 'P', 'R'],
    ['prompt / response (agent events)', { prompt: 'P', response: 'R' }, 'P', 'R'],
    ['the conventions table order: gen_ai.input.messages before input.value', { 'input.value': 'raw', 'gen_ai.input.messages': '[{"role":"user","content":"P"}]' }, 'P', null],
    ['nothing', { 'gen_ai.request.model': 'gpt-4o' }, null, null],
  ];
  it.each(cases)('%s', (_where, attrs, prompt, response) => {
    expect(textFromAttributes(attrs)).toEqual({ prompt, response });
  });
});

describe('chunkedText: an answer logged chunk by chunk (Gemini CLI)', () => {
  const chunk = (text: string, thought = false) => ({ candidates: [{ content: { role: 'model', parts: [{ text, ...(thought ? { thought: true } : {}) }] }, index: 0 }] });
  const cases: Array<[name: string, value: AttrValue | undefined, text: string | null]> = [
    ['absent', undefined, null],
    ['one response, as JSON', JSON.stringify(chunk('Hello there.')), 'Hello there.'],
    ['the chunks of a stream, as a JSON array', JSON.stringify([chunk('Gemini '), chunk('fake re'), chunk('ply #1.')]), 'Gemini fake reply #1.'],
    ['thinking is not the answer', JSON.stringify([chunk('Let me think.', true), chunk('42')]), '42'],
    ['one message per chunk (gen_ai.output.messages)', JSON.stringify([{ role: 'system', parts: [{ type: 'text', content: 'Gemini ' }] }, { role: 'system', parts: [{ type: 'text', content: 'reply' }] }]), 'Gemini reply'],
    ['one message', JSON.stringify({ role: 'model', parts: [{ text: '{"complexity_score":5}' }] }), '{"complexity_score":5}'],
    ['plain text stays', 'just text', 'just text'],
    ['no text at all', JSON.stringify([{ candidates: [] }]), null],
  ];
  it.each(cases)('%s', (_name, value, text) => {
    expect(chunkedText(value)).toBe(text);
  });
});

describe('hostile text', () => {
  it('reads no text from structures nested deeper than any SDK writes, without overflowing the stack', () => {
    const deep = `${'['.repeat(200_000)}"x"${']'.repeat(200_000)}`;
    expect(() => messagesText(deep)).not.toThrow();
    const shallow = JSON.stringify([[[{ role: 'user', content: 'hello' }]]]);
    expect(messagesText(shallow)).toBe('hello');
  });
});
