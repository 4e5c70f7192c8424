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

/**
 * Splits long lines at `width` columns, so nothing is cut off (an az command must stay whole). Continuation
 * lines are indented under the value of a "Label   value" row, or a little past the line's own indent.
 */
export function wrapLines(text: string, width: number): string[] {
  const columns = Math.max(20, width);
  const wrapped: string[] = [];
  for (const line of text.replace(/\n$/, '').split('\n')) {
    const characters = [...line];
    if (characters.length <= columns) {
      wrapped.push(line);
      continue;
    }
    const valueColumn = /^\S.*?\s{2,}(?=\S)/.exec(line)?.[0].length;
    const ownIndent = /^\s*/.exec(line)?.[0].length ?? 0;
    // A wrapped comment (config.toml, the az command) goes on as a comment, so a copied line stays valid.
    const comment = /^\s*#/.test(line);
    const indent = comment
      ? ownIndent + 2
      : Math.min(valueColumn ?? ownIndent + 2, Math.floor(columns / 2));
    const continuation = comment ? `${' '.repeat(ownIndent)}# ` : ' '.repeat(indent);
    let start = 0;
    let room = columns;
    while (start < characters.length) {
      let end = Math.min(start + room, characters.length);
      if (end < characters.length) {
        // Break after the last space in the second half of the chunk, when there is one.
        const space = characters.lastIndexOf(' ', end - 1);
        if (space >= start + room / 2) end = space + 1;
      }
      const text = characters.slice(start, end).join('');
      const piece = end < characters.length ? text.trimEnd() : text;
      wrapped.push(start === 0 ? piece : continuation + piece);
      start = end;
      while (characters[start] === ' ') start++;
      room = columns - indent;
    }
  }
  return wrapped;
}

/** Lines of Tab completion candidates under a path field: enough to choose from, never enough to push the step off screen. */
const candidateRows = 4;

/**
 * Path completion candidates packed into at most four lines of `width` columns, two spaces apart; the ones
 * that do not fit (and the matches the completion left out, `more`) are counted at the end: "… and N more".
 */
export function candidateLines(
  candidates: readonly string[],
  more: number,
  width: number,
): string[] {
  // A unique completion has no candidates, whatever it matched.
  if (candidates.length === 0) return [];
  const columns = Math.max(20, width);
  const names = candidates.map((name) =>
    [...name].length > columns ? `${[...name].slice(0, columns - 1).join('')}…` : name,
  );
  for (let shown = names.length; shown >= 0; shown--) {
    const left = names.length - shown + more;
    const items = names.slice(0, shown);
    if (left > 0) items.push(`… and ${left} more`);
    const lines = packLines(items, columns);
    if (lines.length <= candidateRows) return lines;
  }
  return [];
}

/** Items two spaces apart, a new line whenever the next one would not fit. */
function packLines(items: readonly string[], columns: number): string[] {
  const lines: string[] = [];
  for (const item of items) {
    const last = lines.at(-1);
    if (last !== undefined && [...last].length + 2 + [...item].length <= columns) {
      lines[lines.length - 1] = `${last}  ${item}`;
    } else {
      lines.push(item);
    }
  }
  return lines;
}

/**
 * Rows a text field takes at `width` columns: its label, the "› " mark, the value (its own line breaks
 * too) and the cursor. At least this many: Ink wraps between words, which can take a row more.
 */
export function textFieldRows(label: string, value: string, width: number): number {
  const columns = Math.max(20, width);
  return `${label} › ${value} `
    .split('\n')
    .reduce((rows, line) => rows + Math.max(1, Math.ceil([...line].length / columns)), 0);
}

/** Rows the twin JSON field may take before it shows only its last rows, so the checks under it stay in view. */
export function twinFieldRows(viewport: Viewport): number {
  return Math.max(3, bodySize(viewport).height - 9);
}
