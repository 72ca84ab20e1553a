/**
 * A call id as a 64-bit hash in two 32-bit halves, kept in a column of the timeline: a call's row
 * is found by its time, as the store gives it back, and this among the rows of that moment.
 */
export interface IdHash {
  hi: number;
  lo: number;
}

/** cyrb53's two independent 32-bit lanes (public domain, github.com/bryc/code), both kept. */
export function hashId(id: string): IdHash {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < id.length; i++) {
    const ch = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return { hi: h2 >>> 0, lo: h1 >>> 0 };
}
