import { describe, expect, it } from 'vitest';
import { describeExit, exitStatus } from '../../src/cli/child.js';
import { given, parseGrace, splitCommand } from '../../src/cli/wrap.js';

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
