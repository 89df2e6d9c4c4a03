// Names to screen from an uploaded file: a CSV with a header row (the
// "name" or "full_name" column, else the first) or plain text, one name a
// line — the same rules as `ties screen --file`.

/** Parses RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. */
export function parseCSV(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw new Error('the CSV ends inside a quoted field');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Names from a file's text; isCSV picks the CSV rules. Blank names are skipped. */
export function namesFromFile(text: string, isCSV: boolean, column = ''): string[] {
  if (!isCSV) {
    return text.split(/\r?\n/).map((s) => s.trim()).filter((s) => s !== '');
  }
  const rows = parseCSV(text);
  if (rows.length === 0) return [];
  const header = rows[0].map((h) => h.trim().toLowerCase());
  let col = -1;
  if (column) {
    col = header.indexOf(column.trim().toLowerCase());
    if (col < 0) throw new Error(`no column "${column}" in the header: ${rows[0].join(',')}`);
  } else {
    col = header.findIndex((h) => h === 'name' || h === 'full_name');
    if (col < 0) col = 0;
  }
  const names: string[] = [];
  for (const r of rows.slice(1)) {
    const s = (r[col] ?? '').trim();
    if (s) names.push(s);
  }
  return names;
}

/** Quotes one CSV field when it needs it. */
export function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

export function toCSV(rows: unknown[][]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
