/** Terminal geometry shared by the screens (to draw) and the reducer (to keep scrolling in range). */

export type Viewport = {columns: number; rows: number};

export const defaultViewport: Viewport = {columns: 80, rows: 24};

/** The widest the wizard draws, so long values stay readable on very wide terminals. */
const maxWidth = 120;

/** Rows and columns left for a screen between the header (2 lines and a rule) and the footer. */
export function bodySize(viewport: Viewport): {width: number; height: number} {
  // One spare row keeps the frame from scrolling the terminal.
  return {width: Math.min(viewport.columns, maxWidth), height: Math.max(6, viewport.rows - 5)};
}

/** Lines of a scrolled text that fit under a step's title and its notes. */
export function scrollHeight(viewport: Viewport): number {
  return Math.max(4, bodySize(viewport).height - 4);
}

/** Splits long lines at `width` columns, so nothing is cut off (an az command must stay whole). */
export function wrapLines(text: string, width: number): string[] {
  const columns = Math.max(10, width);
  const wrapped: string[] = [];
  for (const line of text.replace(/\n$/, '').split('\n')) {
    const characters = [...line];
    if (characters.length <= columns) {
      wrapped.push(line);
      continue;
    }
    for (let start = 0; start < characters.length; start += columns) {
      wrapped.push(characters.slice(start, start + columns).join(''));
    }
  }
  return wrapped;
}

/** The furthest a text can scroll in this viewport. */
export function maxScroll(text: string, viewport: Viewport): number {
  return Math.max(0, wrapLines(text, bodySize(viewport).width).length - scrollHeight(viewport));
}
