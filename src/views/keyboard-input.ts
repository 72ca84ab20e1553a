import { Transform, type TransformCallback } from 'node:stream';

/*
 * Keyboard input as Ink can read it. Ink 6.8's input hook throws on escape sequences it has no
 * name for (a pasted colour code such as ESC[31m kills the process), so only the sequences of
 * real keys reach it: arrows, Home/End, Page keys, function keys, Shift+Tab, with modifiers.
 */

const CSI = /\u001b\[([0-9;?<>=]*)([ -/]*)([@-~])/g;
const OSC = /\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)?/g;
const KEY_FINALS = new Set(['A', 'B', 'C', 'D', 'E', 'F', 'H', 'P', 'Q', 'R', 'S', 'Z', 'a', 'b', 'c', 'd', 'e']);
const TILDE_KEYS = new Set(['1', '2', '3', '4', '5', '6', '7', '8', '11', '12', '13', '14', '15', '17', '18', '19', '20', '21', '23', '24']);

function isKey(params: string, intermediates: string, final: string): boolean {
  if (intermediates !== '') return false;
  if (KEY_FINALS.has(final)) return /^(1?(;\d+)?)?$/.test(params);
  if (final === '~' || final === '$' || final === '^') return TILDE_KEYS.has(params.split(';')[0]!);
  return false;
}

/** The chunk without escape sequences that are not keys. */
export function keysOnly(chunk: string): string {
  return chunk.replace(OSC, '').replace(CSI, (seq, params: string, intermediates: string, final: string) => (isKey(params, intermediates, final) ? seq : ''));
}

const INCOMPLETE = /\u001b\[[0-9;?<>=]*[ -/]*$/;

/** The chunk's text, and a trailing escape sequence that has not ended yet. */
export function splitIncomplete(chunk: string): { text: string; rest: string } {
  const m = INCOMPLETE.exec(chunk);
  return m ? { text: chunk.slice(0, m.index), rest: m[0] } : { text: chunk, rest: '' };
}

/**
 * A stdin for Ink that passes keys through `keysOnly`, and raw mode, TTY-ness and ref counting
 * through to the real stdin.
 */
export function keyboardInput(stdin: NodeJS.ReadStream): NodeJS.ReadStream {
  // A sequence cut by a chunk boundary waits for its end in the next chunk.
  let pending = '';
  const filtered = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      const { text, rest } = splitIncomplete(pending + chunk.toString('utf8'));
      pending = rest;
      const keys = keysOnly(text);
      done(null, keys === '' ? undefined : keys);
    },
  });
  stdin.pipe(filtered);
  return Object.assign(filtered, {
    isTTY: stdin.isTTY,
    setRawMode: (mode: boolean) => {
      stdin.setRawMode(mode);
      return filtered;
    },
    ref: () => {
      stdin.ref();
      return filtered;
    },
    unref: () => {
      stdin.unref();
      return filtered;
    },
  }) as unknown as NodeJS.ReadStream;
}
