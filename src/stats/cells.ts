import type { GroupKey } from '../domain/call.js';

/**
 * The combination of keys a call is grouped and filtered by. Calls share a few hundred cells
 * at most, so grouping and filtering are decided once per cell, not once per call.
 */
export type Cell = Readonly<Record<GroupKey, string>>;

export class CellTable {
  private readonly cells = new Map<string, Cell>();

  intern(c: Record<GroupKey, string | null>): Cell {
    const key = `${c.provider}\u0000${c.model}\u0000${c.service}\u0000${c.environment}\u0000${c.operation}\u0000${c.user ?? ''}`;
    let cell = this.cells.get(key);
    if (!cell) {
      cell = Object.freeze({ provider: c.provider ?? '', model: c.model ?? '', service: c.service ?? '', environment: c.environment ?? '', operation: c.operation ?? '', user: c.user ?? '' });
      this.cells.set(key, cell);
    }
    return cell;
  }
}
