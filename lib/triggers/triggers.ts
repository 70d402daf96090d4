import { compileValidator } from '#lib/runtime/validate.ts';

/** TriggerTarget routes object events of one bucket (filtered by prefix, suffix and exact event names) to a function. */
export interface TriggerTarget {
  /** id is the MinIO webhook target id: the ARN is arn:minio:sqs::<id>:webhook. */
  id: string;
  function: string;
  bucket: string;
  events: string[];
  prefix: string;
  suffix: string;
}

/** TriggerDeclaration is config/triggers.json. */
export interface TriggerDeclaration {
  targets: TriggerTarget[];
}

const validateDeclaration = compileValidator<TriggerDeclaration>(
  {
    type: 'object',
    required: ['targets'],
    properties: {
      $comment: { type: 'string' },
      targets: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'function', 'bucket', 'events', 'prefix', 'suffix'],
          additionalProperties: false,
          properties: {
            id: { type: 'string', pattern: '^[A-Za-z0-9_]+$' },
            function: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$' },
            bucket: { type: 'string', minLength: 3 },
            // Exact names only: a wildcard would subscribe PutTagging and loop on our own tags.
            events: {
              type: 'array',
              minItems: 1,
              items: { type: 'string', pattern: '^s3:Object(Created|Removed):[A-Za-z]+$' },
            },
            prefix: { type: 'string' },
            suffix: { type: 'string' },
          },
        },
      },
    },
    additionalProperties: false,
  },
  'config/triggers.json',
);

/** parseTriggers validates the trigger declaration (BAD_REQUEST naming the field otherwise). */
export function parseTriggers(value: unknown): TriggerDeclaration {
  return validateDeclaration(value);
}

/** matchTriggers lists the targets an event reaches, as MinIO's notification rules would. */
export function matchTriggers(
  declaration: TriggerDeclaration,
  event: { bucket: string; key: string; name: string },
): TriggerTarget[] {
  return declaration.targets.filter(
    (t) =>
      t.bucket === event.bucket &&
      t.events.includes(event.name) &&
      event.key.startsWith(t.prefix) &&
      event.key.endsWith(t.suffix),
  );
}
