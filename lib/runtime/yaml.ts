import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { opsError, type ErrorCode, type ErrorDetail } from './errors.ts';

/** YamlSource is a parsed YAML document that can still say on which line each value was written. */
export interface YamlSource<T = unknown> {
  value: T;
  /** lineOf gives the 1-based line of the value at a JSON pointer (`/workloads/0/containers`), or the nearest parent's. */
  lineOf(pointer: string): number | undefined;
}

/**
 * parseYamlWithLines parses one YAML document (YAML 1.2 core schema, so `on`/`yes` stay strings and JSON is YAML)
 * and throws `code` with the line and column of the first syntax error. Duplicate keys are errors, as in Go's yaml.v2
 * strict mode that Alertmanager uses.
 */
export function parseYamlWithLines<T = unknown>(text: string, what: string, code: ErrorCode): YamlSource<T> {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const problem = doc.errors[0];
  if (problem) {
    const { line, col } = lineCounter.linePos(problem.pos[0]);
    throw opsError(code, `${what}: line ${line}: ${problem.message.split('\n')[0]}`, [
      { line, field: `column ${col}`, reason: problem.code },
    ]);
  }
  const value = doc.toJS({ maxAliasCount: 100 }) as T;
  return {
    value,
    lineOf(pointer: string) {
      const path = pointer
        .split('/')
        .slice(1)
        .map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~')));
      // a map key's own line (where an unknown key is written), else the value's, else the nearest parent's
      const parent = path.length > 0 ? doc.getIn(path.slice(0, -1), true) : undefined;
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === path.at(-1));
        if (pair && isNode(pair.key) && pair.key.range) return lineCounter.linePos(pair.key.range[0]).line;
      }
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n), true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    },
  };
}

/** withLines adds the source line to each detail that names a field, so a config error points into the file. */
export function withLines(details: ErrorDetail[], source: YamlSource): ErrorDetail[] {
  return details.map((d) => {
    const line = d.field ? source.lineOf(d.field === '/' ? '' : d.field) : undefined;
    return line === undefined ? d : { ...d, line };
  });
}
