/*
 * Blur (`b`) for screen sharing: prompt and response text become a bar as wide as the space it
 * would fill, so neither the words nor their length show.
 */

export const BLUR_CHAR = '░';

export function blurBar(width: number): string {
  return BLUR_CHAR.repeat(Math.max(0, width));
}

/** The bar for a text in `width` columns; a call without the text keeps saying so. */
export function blurText(text: string | null, width: number): string | null {
  return text === null || text === '' ? text : blurBar(width);
}
