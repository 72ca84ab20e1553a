import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { LlmtopReader } from '../client/reader.js';
import { DATA_NOTE, registerTools } from './tools.js';

const INSTRUCTIONS = `llmtop records the LLM calls of applications instrumented with OpenTelemetry (and coding agents): each provider request with its model, tokens, cost, latency, time to first token, status, prompt and response, grouped into runs by trace. Use these tools to see what an app sent to its models, what it cost, what failed and why. ${DATA_NOTE}`;

/** The MCP server: llmtop's tools over a reader. */
export function mcpServer(reader: LlmtopReader, version: string): McpServer {
  const server = new McpServer({ name: 'llmtop', version }, { instructions: INSTRUCTIONS });
  registerTools(server, reader);
  return server;
}

/**
 * Serves MCP over stdin and stdout until the client closes stdin. stdout carries the protocol
 * alone: anything else written there would break it, so the caller keeps its own words on stderr.
 */
export async function serveStdio(reader: LlmtopReader, version: string, stdin: NodeJS.ReadableStream = process.stdin, stdout: NodeJS.WritableStream = process.stdout): Promise<void> {
  const server = mcpServer(reader, version);
  const transport = new StdioServerTransport(stdin as NodeJS.ReadStream & { fd: 0 }, stdout as NodeJS.WriteStream & { fd: 1 });
  const closed = new Promise<void>((resolve) => {
    transport.onclose = resolve;
  });
  await server.connect(transport);
  // The client is gone when stdin ends: the transport itself does not notice.
  stdin.once('end', () => void server.close());
  stdin.once('close', () => void server.close());
  await closed;
}
