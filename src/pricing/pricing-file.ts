import { readFileSync } from 'node:fs';

/** A price as a `--pricing` file writes it: USD per million tokens. */
export interface Price {
  /** Uncached input tokens. */
  input: number;
  output: number;
  /** Input tokens read from the prompt cache; defaults to the input price. */
  cacheRead?: number;
  /** Input tokens written to the prompt cache; defaults to the input price. */
  cacheWrite?: number;
  /** Context window in tokens. */
  contextWindow?: number;
}

export interface PricingFile {
  path: string;
  /** As read: what it says decides when stored costs are worked out again. */
  text: string;
  /** Model (or provider/model) → price. */
  entries: Readonly<Record<string, Price>>;
}

/** A `--pricing FILE` problem; the message is one line naming the file, fit for stderr. */
export class PricingFileError extends Error {
  override readonly name = 'PricingFileError';
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`pricing file ${path}: ${problem}`.replace(/\s*\n\s*/g, ' '));
  }
}

const FIELDS = ['input', 'output', 'cacheRead', 'cacheWrite', 'contextWindow'] as const;
const FORMAT = 'expected {"models": {"<model>": {"input": n, "output": n}}}';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Read the prices of a `--pricing FILE`, USD per million tokens:
 * `{"models": {"<model>": {"input", "output", "cacheRead"?, "cacheWrite"?, "contextWindow"?}}}`,
 * or the inner object alone. Unknown fields are errors: a misspelt "cacheRaed" would
 * otherwise bill cache reads at the input price without a word.
 */
export function loadPricingFile(path: string): PricingFile {
  function fail(problem: string): never {
    throw new PricingFileError(path, problem);
  }

  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    fail(code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? String(err)})`);
  }

  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    fail(`not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }

  if (!isObject(doc)) return fail(FORMAT);
  const models = 'models' in doc ? doc.models : doc;
  if (!isObject(models)) return fail(`"models" must be an object; ${FORMAT}`);

  const entries: Record<string, Price> = {};
  for (const [model, value] of Object.entries(models)) {
    const where = `model ${JSON.stringify(model)}`;
    if (model.trim() === '') fail('a model name is empty');
    if (!isObject(value)) fail(`${where}: expected an object like {"input": n, "output": n}`);
    const unknown = Object.keys(value).find((key) => !(FIELDS as readonly string[]).includes(key));
    if (unknown !== undefined) {
      fail(`${where}: unknown field ${JSON.stringify(unknown)} (expected ${FIELDS.join(', ')})`);
    }
    const field = (key: (typeof FIELDS)[number]): number | undefined => {
      const n = value[key];
      if (n === undefined) return undefined;
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
        fail(`${where}: "${key}" must be a non-negative number, got ${JSON.stringify(n)}`);
      }
      return n;
    };
    const input = field('input');
    const output = field('output');
    if (input === undefined) fail(`${where}: "input" is missing`);
    if (output === undefined) fail(`${where}: "output" is missing`);
    const price: Price = { input, output };
    for (const key of ['cacheRead', 'cacheWrite', 'contextWindow'] as const) {
      const n = field(key);
      if (n !== undefined) price[key] = n;
    }
    entries[model] = price;
  }
  return { path, text, entries };
}
