/**
 * What llmtop says on stderr while it starts. A progress line is rewritten in place on a
 * terminal, and elsewhere (a log file, CI) printed at each tenth of the way only.
 */
export function sayOnStderr(stderr: NodeJS.WriteStream = process.stderr): (line: string, progress: boolean) => void {
  let lastTenth = -1;
  let open = false;
  return (line, progress) => {
    const done = /(\d+)%$/.exec(line);
    if (progress && stderr.isTTY) {
      stderr.write(`\r\u001b[Kllmtop: ${line}`);
      open = done?.[1] !== '100';
      if (!open) stderr.write('\n');
      return;
    }
    if (open) stderr.write('\n');
    open = false;
    if (progress) {
      const tenth = Math.floor(Number(done?.[1] ?? 0) / 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
    }
    stderr.write(`llmtop: ${line}\n`);
  };
}
