/*
 * The terminal clipboard: OSC 52 asks the terminal (even over ssh) to set the system clipboard.
 * tmux passes an escape through to the outer terminal only inside its DCS passthrough.
 */

const ESC = '\u001b';
const BEL = '\u0007';

export function osc52(text: string, inTmux: boolean): string {
  const seq = `${ESC}]52;c;${Buffer.from(text, 'utf8').toString('base64')}${BEL}`;
  // Every ESC inside the passthrough is doubled.
  return inTmux ? `${ESC}Ptmux;${seq.replaceAll(ESC, ESC + ESC)}${ESC}\\` : seq;
}

/** Terminals cap OSC 52 (xterm and tmux near 100 KB, some far less): past this, the file alone. */
export const OSC52_MAX_BYTES = 100_000;
