import type { Summary } from '../domain/summary.js';
import { formatSummaryTable } from '../views/snapshot-text.js';

/** `llmtop snapshot`: the running llmtop's summary, once, as a table or JSON. Returns the exit code. */
export async function runSnapshot(opts: { url: string; json: boolean; token?: string | undefined }): Promise<number> {
  const url = `${opts.url.replace(/\/$/, '')}/api/v1/summary`;
  let summary: Summary;
  try {
    const res = await fetch(url, opts.token ? { headers: { authorization: `Bearer ${opts.token}` } } : {});
    if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
    summary = (await res.json()) as Summary;
  } catch (err) {
    process.stderr.write(`llmtop: cannot read ${url}: ${(err as Error).message}; is llmtop running there?\n`);
    return 1;
  }
  process.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummaryTable(summary));
  return 0;
}
