import { opsError } from '#lib/runtime/errors.ts';
import { SUBSYSTEM_PATTERNS_SCHEMA } from '#lib/text/index.ts';
import { DAILY_WINDOW_SCHEMA } from '#lib/time/index.ts';
import type { EvaluationConfig } from './evaluate.ts';
import { NETBACKUP_FORMATS, type NetBackupFormat } from './parse.ts';

/** NetBackupStatusConfig is netbackup-status's own configuration (docs/netbackup.md). */
export interface NetBackupStatusConfig {
  NETBACKUP_MASTER: string;
  NETBACKUP_API_URL?: string;
  NETBACKUP_API_VERSIONS: string[];
  NETBACKUP_PAGE_LIMIT: number;
  NETBACKUP_MAX_PAGES: number;
  NETBACKUP_RULES: Partial<EvaluationConfig>;
  REPORTS_PREFIX: string;
}

const EXPECTATIONS_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['name', 'policy', 'client', 'everyHours'],
    additionalProperties: false,
    properties: {
      name: { type: 'string' },
      policy: { type: 'string' },
      client: { type: 'string' },
      everyHours: { type: 'number', exclusiveMinimum: 0 },
      window: DAILY_WINDOW_SCHEMA,
    },
  },
};

/** netbackupStatusConfigSchema validates NetBackupStatusConfig from the function's environment, with its defaults. */
export const netbackupStatusConfigSchema = {
  properties: {
    NETBACKUP_MASTER: { type: 'string', minLength: 1, default: 'default' },
    NETBACKUP_API_URL: { type: 'string', pattern: '^https?://' },
    NETBACKUP_API_VERSIONS: {
      type: 'array',
      items: { type: 'string', pattern: '^\\d+\\.\\d+$' },
      minItems: 1,
      default: ['14.0', '13.0', '12.0', '10.0', '4.0', '3.0'],
    },
    NETBACKUP_PAGE_LIMIT: { type: 'integer', minimum: 1, maximum: 100, default: 100 },
    NETBACKUP_MAX_PAGES: { type: 'integer', minimum: 1, default: 500 },
    NETBACKUP_RULES: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        expectations: EXPECTATIONS_SCHEMA,
        subsystems: SUBSYSTEM_PATTERNS_SCHEMA,
        longRunningFactor: { type: 'number', exclusiveMinimum: 1 },
        minSamples: { type: 'integer', minimum: 1 },
        queuedTooLongMinutes: { type: 'number', exclusiveMinimum: 0 },
        successRateDays: { type: 'number', exclusiveMinimum: 0 },
      },
    },
    REPORTS_PREFIX: { type: 'string', default: 'netbackup/' },
  },
};

/** postedReportFormat reads `?format=` of a posted report (default `auto`); an unknown one is BAD_REQUEST. */
export function postedReportFormat(query: URLSearchParams): NetBackupFormat {
  const format = query.get('format') ?? 'auto';
  if (!(NETBACKUP_FORMATS as readonly string[]).includes(format))
    throw opsError('BAD_REQUEST', `format "${format}" is not one of ${NETBACKUP_FORMATS.join(', ')}`, [
      { field: 'format', reason: 'unknown format' },
    ]);
  return format as NetBackupFormat;
}
