import type { Key } from 'ink';
import { describe, expect, test } from 'vitest';
import { PLAIN } from '../../src/views/hooks/use-keys.js';
import { commandFor, footerHints, helpEntries, KEY_TABLE } from '../../src/views/keys.js';

const none: Key = PLAIN;
const key = (k: Partial<Key>): Key => ({ ...none, ...k });

describe('key table', () => {
  test.each([
    ['main', '', key({ tab: true }), 'focusNext'],
    ['main', '', key({ tab: true, shift: true }), 'focusPrev'],
    ['main', 'j', none, 'down'],
    ['main', '', key({ upArrow: true }), 'up'],
    ['detail', '', key({ pageDown: true }), 'pageDown'],
    ['main', '', key({ return: true }), 'open'],
    ['main', '', key({ escape: true, meta: true }), 'back'],
    ['main', '/', none, 'filter'],
    ['main', 'g', none, 'group'],
    ['main', 'w', none, 'window'],
    ['main', 's', none, 'sort'],
    ['main', 'p', none, 'pause'],
    ['main', '?', none, 'help'],
    ['main', 'q', none, 'quit'],
    ['main', 'c', key({ ctrl: true }), 'quit'],
    ['help', 'q', none, 'quit'],
    ['filter', '', key({ return: true }), 'applyFilter'],
    ['filter', '', key({ escape: true, meta: true }), 'cancelFilter'],
  ] as const)('%s: %j → %s', (mode, input, k, command) => {
    expect(commandFor(mode, input, k)).toBe(command);
  });

  test.each([
    ['filter', 'q', none],
    ['filter', 'g', none],
    ['main', 'g', key({ ctrl: true })],
    ['main', 'x', none],
    ['detail', 'c', none],
    ['main', 'q', key({ meta: true })],
    ['help', 'g', none],
    ['detail', '', key({ tab: true })],
  ] as const)('%s: %j is no command', (mode, input, k) => {
    expect(commandFor(mode, input, k)).toBeUndefined();
  });

  test('every binding is in the help, and every footer hint comes from the table', () => {
    const help = helpEntries();
    for (const b of KEY_TABLE) {
      const line = b.helpWith ? KEY_TABLE.find((o) => o.command === b.helpWith) : b;
      expect(help).toContainEqual({ keys: line!.label, text: line!.help });
    }
    expect(footerHints('main').map((h) => h.keys)).toEqual(['Tab', '↑↓', '⏎', 'Esc', '/', 'g', 'w', 's', 'p', 'd', 't', 'e', 'r', 'S', 'o', '?', 'q']);
    expect(footerHints('filter').map((h) => h.text)).toEqual(['apply', 'cancel']);
  });

  test('no key means two commands in one mode', () => {
    for (const mode of ['main', 'detail', 'help', 'filter'] as const) {
      const seen = new Set<string>();
      for (const b of KEY_TABLE.filter((x) => x.modes.includes(mode))) {
        for (const m of b.keys) {
          const id = JSON.stringify({ ...m, shift: m.shift ?? null });
          expect(seen.has(id), `${mode} ${id}`).toBe(false);
          seen.add(id);
        }
      }
    }
  });
});
