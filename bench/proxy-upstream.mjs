// A stand-in OpenAI for bench/proxy.ts, in its own process: answers at once, so that what is
// timed is the hop through the proxy, not the provider. Prints "listening on http://127.0.0.1:PORT".
//
//   POST /v1/chat/completions             a small JSON answer with usage
//   ... with "stream": true               SSE: `chunks` events of `chunkBytes` text each (both from
//                                         the request body, default 20 x 16), then usage, then [DONE]
import http from 'node:http';

const usage = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 };
const plain = JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion', model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there!' }, finish_reason: 'stop' }], usage });

const server = http.createServer({ noDelay: true }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {}
    if (body.stream !== true) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(plain) });
      res.end(plain);
      return;
    }
    const n = Number(body.chunks ?? 20);
    const text = 'x'.repeat(Number(body.chunkBytes ?? 16));
    const event = `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let i = 0;
    const more = () => {
      while (i < n) {
        i++;
        if (!res.write(event)) return res.once('drain', more);
      }
      res.write(`data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', model: 'gpt-4o-mini-2024-07-18', choices: [], usage })}\n\n`);
      res.end('data: [DONE]\n\n');
    };
    more();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`));
