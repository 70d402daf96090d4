import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { opsError, type ErrorDetail } from './errors.ts';

// ajv-formats ships CommonJS; under ESM its default export may sit one level down.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  a: Ajv,
) => Ajv;
let shared: Ajv | undefined;

/**
 * compileValidator returns a check that yields the typed value or throws BAD_REQUEST. The schema is compiled on the
 * first check, not at import: compiling every schema a bundle declares cost an idle function most of its start-up
 * time and memory (cmp-ops-ops#18), and most are for requests that may never come.
 */
export function compileValidator<T>(schema: Record<string, unknown>, what = 'request'): (value: unknown) => T {
  let validate: ValidateFunction | undefined;
  return (value: unknown): T => {
    validate ??= (shared ??= addFormats(new Ajv({ allErrors: true, strict: false }))).compile(schema);
    if (validate(value)) return value as T;
    const details = (validate.errors ?? []).slice(0, 20).map(toDetail);
    throw opsError(
      'BAD_REQUEST',
      `${what} is invalid: ${details.map((d) => `${d.field ?? '(root)'} ${d.reason}`).join('; ')}`,
      details,
    );
  };
}

function toDetail(error: ErrorObject): ErrorDetail {
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  let field = error.instancePath || '';
  if (params.missingProperty) field = `${field}/${params.missingProperty}`;
  if (params.additionalProperty) field = `${field}/${params.additionalProperty}`;
  const detail: ErrorDetail = { field: field || '/', reason: error.message ?? 'is invalid' };
  const index = /^\/(\d+)/.exec(field)?.[1];
  if (index !== undefined) detail.index = Number(index);
  if (params.additionalProperty) detail.reason = 'is not an allowed property';
  return detail;
}
