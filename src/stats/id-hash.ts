/**
 * A call id as a 32-bit hash, kept in a column of the timeline: a call's row is found by its
 * time, as the store gives it back, and this among the rows of that moment (within 2 µs). Two
 * calls would have to start within those 2 µs and collide on 32 bits to be mistaken for each
 * other; a whole 64-bit hash was 4 MiB more a million calls for nothing.
 */
export type IdHash = number;

/** cyrb53's first 32-bit lane, mixed with the second (public domain, github.com/bryc/code). */
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
  return h1 >>> 0;
}
