import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/app/config.js';
import { StartError } from '../../src/app/llmtop.js';
import { describeExit, exitStatus } from '../../src/cli/child.js';
import { given, parseGrace, splitCommand, startReceiver } from '../../src/cli/wrap.js';
import { testConfig } from '../helpers/llmtop.js';

describe('splitCommand: the command line at the first --', () => {
  it.each([
    [['--port', '5000'], ['--port', '5000'], null],
    [['--', 'node', 'app.js'], [], ['node', 'app.js']],
    [['--headless', '--', 'node', 'app.js', '--port', '3000'], ['--headless'], ['node', 'app.js', '--port', '3000']],
    // a second -- belongs to the command (npm run eval -- --fast)
    [['check', '--max-cost', '1', '--', 'npm', 'run', 'eval', '--', '--fast'], ['check', '--max-cost', '1'], ['npm', 'run', 'eval', '--', '--fast']],
    [['--'], [], []],
  ])('%j → own %j, command %j', (argv, own, command) => {
    expect(splitCommand(argv)).toEqual({ own, command });
  });
});

describe('given: an option typed rather than defaulted', () => {
  it.each([
    [['--port', '4318'], true],
    [['--port=4318'], true],
    [['-p', '4318'], true],
    [['--portly'], false],
    [['--headless'], false],
  ])('%j → %s', (argv, expected) => {
    expect(given(argv, '-p', '--port')).toBe(expected);
  });
});

describe('the status llmtop exits with', () => {
  it.each([
    [{ code: 0, signal: null }, 0, 'exited 0'],
    [{ code: 3, signal: null }, 3, 'exited 3'],
    [{ code: null, signal: 'SIGINT' }, 130, 'killed by SIGINT'],
    [{ code: null, signal: 'SIGTERM' }, 143, 'killed by SIGTERM'],
    [{ code: null, signal: 'SIGKILL' }, 137, 'killed by SIGKILL'],
  ] as const)('%j → %i, "%s"', (exit, status, text) => {
    expect(exitStatus(exit)).toBe(status);
    expect(describeExit(exit)).toBe(text);
  });
});

describe('--grace', () => {
  it.each([
    ['2s', 2000],
    ['500ms', 500],
    ['0', 0],
    ['0s', 0],
  ])('%s → %i ms', (text, ms) => expect(parseGrace(text)).toBe(ms));

  it.each(['soon', '-1s', ''])('"%s" is refused with the flag named', (text) => {
    expect(() => parseGrace(text)).toThrow(/--grace/);
  });
});

describe('startReceiver: a busy default port', () => {
  const config = (port: number): Config => testConfig({ port, maxCalls: 1000, retentionMs: 3600_000 });

  async function withBusyPort(fn: (port: number) => Promise<void>): Promise<void> {
    const other = net.createServer();
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    try {
      await fn((other.address() as net.AddressInfo).port);
    } finally {
      other.close();
    }
  }

  it('moves to a free port when the port was only the default, and says which', async () => {
    await withBusyPort(async (busy) => {
      const lines: string[] = [];
      const running = await startReceiver(config(busy), false, (l) => lines.push(l));
      try {
        expect(running.port).not.toBe(busy);
        expect(lines).toEqual([`port ${busy} is busy; listening on 127.0.0.1:${running.port} instead`]);
        expect((await fetch(`http://${running.address}/healthz`)).status).toBe(200);
      } finally {
        await running.close();
      }
    });
  });

  it('refuses, in one line, a busy port the user typed', async () => {
    await withBusyPort(async (busy) => {
      await expect(startReceiver(config(busy), true, () => {})).rejects.toThrow(StartError);
      await expect(startReceiver(config(busy), true, () => {})).rejects.toThrow(`port ${busy} on 127.0.0.1 is already in use`);
    });
  });
});
