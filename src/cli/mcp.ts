import { UsageError } from './flags.js';
import { readerOf } from './read-verbs.js';
import type { VerbInput } from './verbs.js';

/**
 * `llmtop mcp`: an MCP server over stdio, reading a running llmtop (--url) or a db file (--db),
 * until the client closes stdin. stdout is the protocol's alone.
 */
export async function mcpVerb(v: VerbInput): Promise<number> {
  if (v.args.length > 0) throw new UsageError(`llmtop mcp takes no arguments, got "${v.args[0]}"; see llmtop --help`);
  if (v.flags.json) throw new UsageError('llmtop mcp always speaks JSON-RPC on stdout; drop --json');
  // A library that logs with console.log would write into the protocol: its words go to stderr.
  for (const level of ['log', 'info', 'debug'] as const) console[level] = console.error;
  // The MCP SDK, zod and ajv are loaded for this verb alone: every other llmtop is 15 MiB lighter.
  const { serveStdio } = await import('../mcp/server.js');
  const reader = readerOf(v);
  try {
    await serveStdio(reader, v.version);
  } finally {
    reader.close();
  }
  return 0;
}
