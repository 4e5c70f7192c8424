/**
 * A bulk manifest: which certificate file enrolls which device. CSV with a header line, or a JSON array of
 * objects with the same fields. Parsing is pure; every problem names its line (CSV) or item (JSON).
 */

export type ManifestRow = {
  /** Where the row is, for messages: "line 4" or "item 3". */
  where: string;
  /** Empty when the row leaves it to the certificate's CN. */
  registrationId: string;
  certificatePath: string;
  deviceId?: string;
  secondaryCertificatePath?: string;
};

export type ManifestProblem = {where: string; message: string};

export type Manifest = {rows: ManifestRow[]; problems: ManifestProblem[]};

export const manifestColumns = [
  'registrationId',
  'certificatePath',
  'deviceId',
  'secondaryCertificatePath',
] as const;
type Column = (typeof manifestColumns)[number];

const requiredColumns: readonly Column[] = ['certificatePath'];

/** JSON when the text starts with '[' (after spaces), CSV otherwise. */
export function parseManifest(text: string): Manifest {
  const content = text.replace(/^\ufeff/, '');
  return content.trimStart().startsWith('[')
    ? parseJsonManifest(content)
    : parseCsvManifest(content);
}

export function parseJsonManifest(text: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      rows: [],
      problems: [
        {
          where: 'the file',
          message: `is not valid JSON (${(error as Error).message}): give an array of objects like {"registrationId": "edge-01", "certificatePath": "certs/edge-01.cert.pem"}`,
        },
      ],
    };
  }
  if (!Array.isArray(value)) {
    return {
      rows: [],
      problems: [{where: 'the file', message: 'must hold a JSON array of objects'}],
    };
  }
  const rows: ManifestRow[] = [];
  const problems: ManifestProblem[] = [];
  value.forEach((item: unknown, index) => {
    const where = `item ${index + 1}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push({where, message: 'is not an object with registrationId and certificatePath'});
      return;
    }
    const fields: Partial<Record<Column, string>> = {};
    let bad = false;
    for (const [key, field] of Object.entries(item as Record<string, unknown>)) {
      if (!isColumn(key)) {
        problems.push({where, message: unknownField(key)});
        bad = true;
      } else if (typeof field !== 'string') {
        problems.push({where, message: `"${key}" must be a string`});
        bad = true;
      } else {
        fields[key] = field.trim();
      }
    }
    if (!bad) collectRow(where, fields, rows, problems);
  });
  return {rows, problems};
}

export function parseCsvManifest(text: string): Manifest {
  const records = csvRecords(text);
  const header = records.find((record) => !isBlank(record.fields));
  if (!header) {
    return {
      rows: [],
      problems: [
        {
          where: 'the file',
          message: `is empty: the first line must be a header such as ${manifestColumns.slice(0, 2).join(',')}`,
        },
      ],
    };
  }
  const problems: ManifestProblem[] = [];
  const columns = header.fields.map((name) => name.trim());
  columns.forEach((name) => {
    if (!isColumn(name)) problems.push({where: `line ${header.line}`, message: unknownField(name)});
  });
  const missing = requiredColumns.filter((name) => !columns.includes(name));
  if (missing.length > 0) {
    problems.push({
      where: `line ${header.line}`,
      message: `the header has no ${missing.join(', ')} column: start the file with ${manifestColumns.slice(0, 2).join(',')}`,
    });
  }
  if (problems.length > 0) return {rows: [], problems};
  const rows: ManifestRow[] = [];
  for (const record of records) {
    if (record === header || isBlank(record.fields)) continue;
    const where = `line ${record.line}`;
    if (record.unterminated) {
      problems.push({where, message: 'has a quote (") that is never closed'});
      continue;
    }
    if (record.fields.length > columns.length) {
      problems.push({
        where,
        message: `has ${record.fields.length} fields but the header names ${columns.length} (${columns.join(',')}): quote a value that holds a comma`,
      });
      continue;
    }
    const fields: Partial<Record<Column, string>> = {};
    columns.forEach((name, index) => {
      fields[name as Column] = (record.fields[index] ?? '').trim();
    });
    collectRow(where, fields, rows, problems);
  }
  return {rows, problems};
}

function collectRow(
  where: string,
  fields: Partial<Record<Column, string>>,
  rows: ManifestRow[],
  problems: ManifestProblem[],
) {
  if (!fields.certificatePath) {
    problems.push({where, message: 'has no certificatePath: give the device certificate file'});
    return;
  }
  rows.push({
    where,
    registrationId: fields.registrationId ?? '',
    certificatePath: fields.certificatePath,
    ...(fields.deviceId ? {deviceId: fields.deviceId} : {}),
    ...(fields.secondaryCertificatePath
      ? {secondaryCertificatePath: fields.secondaryCertificatePath}
      : {}),
  });
}

const isColumn = (name: string): name is Column =>
  (manifestColumns as readonly string[]).includes(name);

const unknownField = (name: string) =>
  `has an unknown field "${name}": the fields are ${manifestColumns.join(', ')}`;

const isBlank = (fields: string[]) => fields.every((field) => field.trim() === '');

type CsvRecord = {line: number; fields: string[]; unterminated: boolean};

/** RFC 4180 records: fields split on commas, double quotes around a field, "" for a quote inside one. */
function csvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let line = 1;
  let index = 0;
  while (index < text.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let unterminated = false;
    for (;;) {
      const character = text[index];
      if (character === undefined) {
        unterminated = quoted;
        fields.push(field);
        break;
      }
      index += 1;
      if (quoted) {
        if (character === '"' && text[index] === '"') {
          field += '"';
          index += 1;
        } else if (character === '"') {
          quoted = false;
        } else {
          if (character === '\n') line += 1;
          field += character;
        }
      } else if (character === '"' && field.trim() === '') {
        quoted = true;
        field = '';
      } else if (character === ',') {
        fields.push(field);
        field = '';
      } else if (character === '\n') {
        fields.push(field.replace(/\r$/, ''));
        line += 1;
        break;
      } else {
        field += character;
      }
    }
    records.push({line: start, fields, unterminated});
  }
  return records;
}
