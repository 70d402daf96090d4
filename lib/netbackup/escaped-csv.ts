/**
 * splitEscapedCsv splits a bpdbjobs -all_columns/-most_columns line: a comma inside a value is written `\,`, and a
 * literal backslash before a separator is doubled (`C:\\,` is the value `C:\`). Other backslashes are literal
 * (Windows paths). Lines without a backslash take the fast native split.
 */
export function splitEscapedCsv(line: string): string[] {
  if (line.indexOf('\\') === -1) return line.split(',');
  const fields: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 92 /* \ */) {
      const next = line.charCodeAt(i + 1);
      if (next === 44 /* , */) {
        current += ',';
        i++;
        continue;
      }
      if (next === 92 && line.charCodeAt(i + 2) === 44) {
        // `\\,` ends the value with one backslash; the comma separates.
        current += '\\';
        i++;
        continue;
      }
      current += '\\';
      continue;
    }
    if (c === 44) {
      fields.push(current);
      current = '';
      continue;
    }
    current += line[i];
  }
  fields.push(current);
  return fields;
}
