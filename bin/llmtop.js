#!/usr/bin/env node
// A command run by `llmtop -- CMD` gets the environment as it was before the changes below.
const { rememberEnv } = await import('../dist/cli/original-env.js');
rememberEnv(process.env);
// React's production build renders about twice as fast; set before React is loaded.
process.env.NODE_ENV ??= 'production';
// Ink draws only a last frame when CI is set; in a real terminal the user wants the live view.
if (process.stdout.isTTY) for (const k of ['CI', 'CONTINUOUS_INTEGRATION']) if (k in process.env) process.env[k] = 'false';
await import('../dist/cli.js');
