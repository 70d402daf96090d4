import { parse } from 'yaml';
import { readFixture } from './fixtures.ts';

/** yamlExample returns the first `example:` block of an OpenAPI YAML fixture (Veritas' REST examples). */
export function yamlExample(source: string, name: string): unknown {
  const find = (o: unknown): unknown => {
    if (!o || typeof o !== 'object') return undefined;
    if ('example' in o) return (o as { example: unknown }).example;
    for (const v of Object.values(o)) {
      const hit = find(v);
      if (hit) return hit;
    }
    return undefined;
  };
  return find(parse(readFixture(source, name)));
}
