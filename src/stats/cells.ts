import { GROUP_KEYS, type GroupKey } from '../domain/call.js';

/**
 * The combination of keys a call is grouped and filtered by. Calls share a few hundred cells
 * at most, so grouping and filtering are decided once per cell, not once per call.
 */
export type Cell = Readonly<Record<GroupKey, string>>;

export class CellTable {
  private readonly cells = new Map<string, Cell>();
  /** The cells by the JSON arrays of their keys that the store gives at start (StoredCall's groupKeys). */
  private readonly byJson = new Map<string, Cell>();

  intern(c: Record<GroupKey, string | null>): Cell {
    const key = `${c.provider}\u0000${c.model}\u0000${c.service}\u0000${c.environment}\u0000${c.operation}\u0000${c.user ?? ''}`;
    let cell = this.cells.get(key);
    if (!cell) {
      cell = Object.freeze({ provider: c.provider ?? '', model: c.model ?? '', service: c.service ?? '', environment: c.environment ?? '', operation: c.operation ?? '', user: c.user ?? '' });
      this.cells.set(key, cell);
    }
    return cell;
  }

  /** The cell of a JSON array of its keys in the order of GROUP_KEYS: parsed the first time only. */
  internJson(keys: string): Cell {
    let cell = this.byJson.get(keys);
    if (!cell) {
      const values = JSON.parse(keys) as string[];
      cell = this.intern(Object.fromEntries(GROUP_KEYS.map((k, i) => [k, values[i] ?? ''])) as Record<GroupKey, string>);
      this.byJson.set(keys, cell);
    }
    return cell;
  }
}
