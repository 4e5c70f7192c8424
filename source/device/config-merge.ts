/**
 * Puts a new [provisioning] section into an existing /etc/aziot/config.toml: every [provisioning] and
 * [provisioning.*] table goes, everything else stays as written (comments, order, blank lines).
 */

export type ConfigMerge = {
  text: string;
  /** The headers of the tables that were taken out, e.g. ["[provisioning]", "[provisioning.attestation]"]. */
  replacedTables: string[];
  /** Top-level `provisioning.… = …` dotted keys, which would clash with the new tables: left for a person. */
  conflicts: string[];
};

const tableHeader = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/;

/** Whether a table name (as inside the brackets) is provisioning or below it. */
function isProvisioningTable(name: string): boolean {
  const first = name
    .split('.')[0]
    ?.trim()
    .replace(/^"(.*)"$/, '$1');
  return first === 'provisioning';
}

/**
 * Merges `section` (the [provisioning] tables, ending with a newline) into `existing`: in place of the first
 * [provisioning] table, or at the end when there is none. With no existing file, the section alone.
 */
export function mergeProvisioning(existing: string | undefined, section: string): ConfigMerge {
  if (existing === undefined || existing.trim() === '') {
    return {text: section, replacedTables: [], conflicts: []};
  }
  const newline = existing.includes('\r\n') ? '\r\n' : '\n';
  const lines = existing.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();

  const kept: string[] = [];
  const replacedTables: string[] = [];
  const conflicts: string[] = [];
  let insertAt: number | undefined;
  let removing = false;
  let inTable = false;
  let multiline: '"""' | "'''" | undefined;

  for (const [index, line] of lines.entries()) {
    if (multiline) {
      // Inside a multi-line string nothing is a header; removed or kept with its table.
      if (countOf(line, multiline) % 2 === 1) multiline = undefined;
      if (!removing) kept.push(line);
      continue;
    }
    const header = tableHeader.exec(line);
    if (header) {
      inTable = true;
      if (isProvisioningTable(header[1]!)) {
        if (!removing) {
          // Comments and blank lines just above the header belong to it.
          while (kept.length > 0 && /^\s*(#.*)?$/.test(kept.at(-1)!)) kept.pop();
        }
        removing = true;
        replacedTables.push(line.trim());
        insertAt ??= kept.length;
        continue;
      }
      if (removing) kept.push(...commentsAbove(lines, index));
      removing = false;
    }
    if (!inTable && /^\s*"?provisioning"?\s*\./.test(line)) conflicts.push(line.trim());
    for (const quote of ['"""', "'''"] as const) {
      if (countOf(line, quote) % 2 === 1) multiline = quote;
    }
    if (!removing) kept.push(line);
  }

  const sectionLines = section.replace(/\r?\n$/, '').split(/\r?\n/);
  let merged: string[];
  if (insertAt === undefined) {
    const body = [...kept];
    while (body.length > 0 && body.at(-1)!.trim() === '') body.pop();
    merged = [...body, '', ...sectionLines];
  } else {
    const before = kept.slice(0, insertAt);
    const after = kept.slice(insertAt);
    while (before.length > 0 && before.at(-1)!.trim() === '') before.pop();
    merged = [
      ...before,
      ...(before.length > 0 ? [''] : []),
      ...sectionLines,
      ...(after.length > 0 && after[0]!.trim() !== '' ? [''] : []),
      ...after,
    ];
  }
  return {text: `${merged.join(newline)}${newline}`, replacedTables, conflicts};
}

/**
 * A removed table ends at the next header; comments just above that header describe it, so they are kept
 * although they were skipped while removing.
 */
function commentsAbove(lines: readonly string[], index: number): string[] {
  const comments: string[] = [];
  for (let i = index - 1; i >= 0 && /^\s*#/.test(lines[i]!); i--) comments.unshift(lines[i]!);
  return comments;
}

function countOf(line: string, quote: string): number {
  return line.split(quote).length - 1;
}
