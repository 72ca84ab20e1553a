import fs from 'node:fs';
import path from 'node:path';
import type { LlmCall } from '../domain/call.js';
import { callJson } from '../api/json.js';
import { OSC52_MAX_BYTES, osc52 } from './clipboard.js';
import { curlCommand } from './replay.js';
import { makeFolder } from '../files/make-folder.js';

export type CopyFormat = 'json' | 'curl';

export interface CopyTarget {
  /** Where the escape goes: the terminal (stdout), or a test's buffer. */
  write: (bytes: string) => void;
  /** Running inside tmux ($TMUX set): the escape is wrapped for its passthrough. */
  inTmux: boolean;
  /** The llmtop cache directory, for copied.json and copied.sh. */
  dir: string;
}

const FILES: Record<CopyFormat, string> = { json: 'copied.json', curl: 'copied.sh' };

export function copyText(call: LlmCall, format: CopyFormat): string {
  return format === 'json' ? `${JSON.stringify(callJson(call), null, 2)}\n` : curlCommand(call);
}

/**
 * Copies a call to the terminal clipboard and, always, to a file: no terminal says whether it
 * accepted OSC 52, and many refuse it or cap its size. Returns the notice for the screen.
 */
export function copyCall(call: LlmCall, format: CopyFormat, target: CopyTarget): string {
  const text = copyText(call, format);
  const file = path.join(target.dir, FILES[format]);
  let saved = true;
  try {
    makeFolder(target.dir);
    fs.writeFileSync(file, text, { mode: 0o600 });
    // The mode applies only when the file is created: tighten one left by an older run.
    fs.chmodSync(file, 0o600);
  } catch {
    saved = false;
  }
  const what = format === 'json' ? 'call as JSON' : 'curl replay';
  const fits = Buffer.byteLength(text) <= OSC52_MAX_BYTES;
  if (fits) target.write(osc52(text, target.inTmux));
  if (!saved) return fits ? `copied ${what} to the clipboard (could not write ${file})` : `not copied: ${what} too large for the clipboard and ${file} unwritable`;
  return fits ? `copied ${what} to the clipboard and ${file}` : `${what} too large for the clipboard: saved to ${file}`;
}
