/**
 * The environment llmtop was started with. bin/llmtop.js adjusts NODE_ENV and CI for React and
 * Ink before loading the CLI, and records the original here first: a wrapped command
 * (`llmtop -- CMD`) must get the user's environment, not one tuned for llmtop's renderer.
 */
let original: Readonly<Record<string, string | undefined>> | null = null;

export function rememberEnv(env: Readonly<Record<string, string | undefined>>): void {
  original ??= { ...env };
}

/** What was remembered, or the current environment when llmtop was started without bin/llmtop.js (tsx in development). */
export function originalEnv(): Readonly<Record<string, string | undefined>> {
  return original ?? process.env;
}
