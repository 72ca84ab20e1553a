/**
 * When two model names are the same model: the rules that keep a new model from silently
 * getting an older sibling's price (claude-opus-4-60 is not claude-opus-4-6, gemini-1.5-flash-8b
 * is not gemini-1.5-flash), while a dated or versioned snapshot is its model.
 */

/** What may follow a model's name in a snapshot of it: dates, -latest, -001, -preview, -exp, Bedrock's -v1:0. */
const SUFFIX = /^(?:[-@](?:\d{8}|\d{4}-\d{2}-\d{2}|\d{3,4}|\d{2}-\d{2,4}|latest|preview(?:-\d{2}-\d{2,4})?|exp(?:-\d{4})?|v\d+(?::\d+)?))*$/;

/** What may come before a model's name: a Bedrock region and vendor (us.anthropic.), or a path (models/, openai/). */
const PREFIX = /^(?:(?:[a-z]{2,6}(?:-gov)?\.)?(?:[a-z0-9-]+\.)?|.*\/)$/;

/** Whether `name` is `base` itself, or a snapshot of it: `base` plus only a date or version. */
export function isSnapshotOf(name: string, base: string, at: 'start' | 'anywhere' = 'start'): boolean {
  const n = name.trim().toLowerCase();
  const b = base.trim().toLowerCase();
  const i = at === 'start' ? (n.startsWith(b) ? 0 : -1) : n.indexOf(b);
  if (i < 0) return false;
  return (i === 0 || PREFIX.test(n.slice(0, i))) && SUFFIX.test(n.slice(i + b.length));
}

/** One spelling of a model name: lower case, no `models/` path (Gemini's REST names). */
export function cleanModelName(name: string): string {
  return name.trim().toLowerCase().replace(/^models\//, '');
}
