/**
 * splitEscapedCsv splits a bpdbjobs -all_columns/-most_columns line: a comma inside a value is written `\,`, and a
 * literal backslash before a separator is doubled (`C:\\,` is the value `C:\`). Other backslashes are literal
 * (Windows paths). It splits natively, then re-joins the pieces whose comma was escaped: a piece ending in one
 * backslash continues into the next; a piece ending in two ends with one.
 */
export function splitEscapedCsv(line: string): string[] {
  const parts = line.split(',');
  if (line.indexOf('\\') === -1) return parts;
  const fields: string[] = [];
  let carry: string | null = null;
  for (const part of parts) {
    const value: string = carry === null ? part : `${carry},${part}`;
    if (value.endsWith('\\\\')) {
      fields.push(value.slice(0, -1));
      carry = null;
    } else if (value.endsWith('\\')) {
      carry = value.slice(0, -1);
    } else {
      fields.push(value);
      carry = null;
    }
  }
  if (carry !== null) fields.push(`${carry}\\`);
  return fields;
}
