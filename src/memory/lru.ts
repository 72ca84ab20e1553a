/**
 * Keeps a Map used as an LRU (oldest first) within `max` entries. It evicts a tenth at a time
 * through one iterator: asking `keys().next()` once per eviction walks over every entry already
 * deleted at the front, which costs more the more it has evicted.
 */
export function evictOldest<K, V>(map: Map<K, V>, max: number): void {
  if (map.size <= max) return;
  let excess = map.size - max + Math.ceil(max / 10);
  for (const key of map.keys()) {
    if (excess-- <= 0) break;
    map.delete(key);
  }
}
