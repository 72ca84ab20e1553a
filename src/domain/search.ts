/**
 * Words as a user types them into a search box, as an FTS5 query: each word quoted (so that
 * `#42`, `gpt-4o` or a stray quote is text, never syntax) and matched as a prefix, all of them
 * required. Null when there is no word.
 */
export function wordsQuery(text: string): string | null {
  const words = searchWords(text);
  return words.length === 0 ? null : words.map((w) => `"${w.replace(/"/g, '""')}"*`).join(' ');
}

/** The words of a typed search, for the query and for highlighting what they matched. */
export function searchWords(text: string): string[] {
  return text
    .split(/\s+/)
    .map((w) => w.replace(/^["*]+|["*]+$/g, ''))
    .filter((w) => w !== '');
}
