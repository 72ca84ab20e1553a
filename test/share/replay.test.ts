import { execFile, spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promptMessages } from '../../src/share/messages.js';
import { curlCommand } from '../../src/share/replay.js';
import { makeCall } from '../helpers/view-calls.js';

/** `Y`: a call as a curl command replaying its request; checked by sh and by a fake provider. */

const run = promisify(execFile);
/** Everything a POSIX shell could misread, in one prompt. */
const NASTY = `it's "quoted", $HOME and \${PATH} and \`id\` and $(id) \\ back\nslash; new line & | > < * ! #`;
const CONVERSATION = `system: be brief\nuser: ${NASTY}\nassistant: ok\nuser: again`;

describe('curl replay', () => {
  it.each([
    { provider: 'openai', url: '"${OPENAI_BASE_URL:-https://api.openai.com/v1}/chat/completions"', key: '-H "Authorization: Bearer $OPENAI_API_KEY"' },
    { provider: 'mistral', url: '"${MISTRAL_BASE_URL:-https://api.mistral.ai/v1}/chat/completions"', key: '-H "Authorization: Bearer $MISTRAL_API_KEY"' },
    { provider: 'anthropic', url: '"${ANTHROPIC_BASE_URL:-https://api.anthropic.com}/v1/messages"', key: '-H "x-api-key: $ANTHROPIC_API_KEY"' },
    { provider: 'google', url: '"${GOOGLE_GEMINI_BASE_URL:-https://generativelanguage.googleapis.com}/v1beta/models/m-1:generateContent"', key: '-H "x-goog-api-key: $GEMINI_API_KEY"' },
    { provider: 'together', url: '"${TOGETHER_BASE_URL:-http://localhost:8000/v1}/chat/completions"', key: '-H "Authorization: Bearer $TOGETHER_API_KEY"' },
  ])('$provider: its endpoint, the key as a variable, no key in the text', ({ provider, url, key }) => {
    const text = curlCommand(makeCall({ provider, model: 'm-1', prompt: NASTY }));
    expect(text).toContain(`curl -sS ${url}`);
    expect(text).toContain(key);
    expect(text).not.toMatch(/sk-|Bearer [^$]/);
    expect(text.includes('OpenAI-compatible')).toBe(provider === 'together');
  });

  it.each(['openai', 'mistral', 'anthropic', 'google', 'together', "we'ird$(id)\nprov"])('%s: sh -n parses it, and sh reads back the exact body', (provider) => {
    const text = curlCommand(makeCall({ provider, model: "gpt'$(id)`x`/ü", prompt: CONVERSATION }));
    expect(spawnSync('sh', ['-n'], { input: text }).status).toBe(0);
    // The command with curl replaced by a printer of its last argument: what curl would send.
    const printed = spawnSync('sh', ['-c', `curl() { for a; do last=$a; done; printf %s "$last"; }\n${text}`], { encoding: 'utf8' });
    expect(printed.status).toBe(0);
    const body = JSON.parse(printed.stdout);
    expect(JSON.stringify(body)).toContain(JSON.stringify(NASTY).slice(1, -1));
  });

  it('builds each provider body from the stored messages: system apart where the API wants it', () => {
    const anthropic = bodyOf(curlCommand(makeCall({ provider: 'anthropic', model: 'claude-x', prompt: CONVERSATION, outputTokens: 3000 })));
    expect(anthropic).toEqual({
      model: 'claude-x',
      max_tokens: 3000,
      system: 'be brief',
      messages: [
        { role: 'user', content: NASTY },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'again' },
      ],
    });
    const google = bodyOf(curlCommand(makeCall({ provider: 'google', model: 'gemini-2.5-flash', prompt: CONVERSATION })));
    expect(google).toEqual({
      systemInstruction: { parts: [{ text: 'be brief' }] },
      contents: [
        { role: 'user', parts: [{ text: NASTY }] },
        { role: 'model', parts: [{ text: 'ok' }] },
        { role: 'user', parts: [{ text: 'again' }] },
      ],
    });
    expect(bodyOf(curlCommand(makeCall({ provider: 'openai', model: 'gpt-4o', prompt: 'just this' })))).toEqual({ model: 'gpt-4o', messages: [{ role: 'user', content: 'just this' }] });
  });

  it.each([
    ['plain text', [{ role: 'user', text: 'plain text' }]],
    ['user: hi\nassistant: hello\nthere', [{ role: 'user', text: 'hi' }, { role: 'assistant', text: 'hello\nthere' }]],
    // One "role:" line alone is text that starts so, not a conversation.
    ['user: hi', [{ role: 'user', text: 'user: hi' }]],
    ['note\nuser: hi\nassistant: x', [{ role: 'user', text: 'note\nuser: hi\nassistant: x' }]],
    [null, []],
  ])('promptMessages(%j)', (prompt, expected) => expect(promptMessages(prompt)).toEqual(expected));
});

function bodyOf(text: string): unknown {
  const m = /--data-raw '((?:[^']|'\\'')*)'/.exec(text)!;
  return JSON.parse(m[1]!.replaceAll(`'\\''`, "'"));
}

describe('curl replay against a fake provider on loopback', () => {
  const seen: { url: string; headers: http.IncomingHttpHeaders; body: any }[] = [];
  let server: http.Server;
  let base = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', headers: req.headers, body: JSON.parse(raw) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it.each([
    { provider: 'openai', env: { OPENAI_BASE_URL: '/v1', OPENAI_API_KEY: 'k-openai' }, path: '/v1/chat/completions', auth: ['authorization', 'Bearer k-openai'] },
    { provider: 'anthropic', env: { ANTHROPIC_BASE_URL: '', ANTHROPIC_API_KEY: 'k-ant' }, path: '/v1/messages', auth: ['x-api-key', 'k-ant'] },
    { provider: 'google', env: { GOOGLE_GEMINI_BASE_URL: '', GEMINI_API_KEY: 'k-g' }, path: '/v1beta/models/gemini-2.5-flash:generateContent', auth: ['x-goog-api-key', 'k-g'] },
  ])('$provider: sends the stored messages, with the key from the environment', async ({ provider, env, path, auth }) => {
    const call = makeCall({ provider, model: provider === 'google' ? 'gemini-2.5-flash' : 'm', prompt: CONVERSATION });
    const urlEnv = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, k.endsWith('_BASE_URL') ? `${base}${v}` : v]));
    const { stdout } = await run('sh', ['-c', curlCommand(call)], { env: { ...process.env, ...urlEnv } });
    expect(stdout).toBe('{"ok":true}');
    const got = seen.at(-1)!;
    expect(got.url).toBe(path);
    expect(got.headers[auth[0]!]).toBe(auth[1]);
    const texts = JSON.stringify(got.body);
    for (const t of [NASTY, 'be brief', 'again']) expect(texts).toContain(JSON.stringify(t).slice(1, -1));
    expect(got.body).toEqual(bodyOf(curlCommand(call)));
  });
});
