import { DateTime } from 'luxon';
import { opsError } from '#lib/runtime/errors.ts';
import { SUBSYSTEM_PATTERNS_SCHEMA } from '#lib/text/index.ts';
import { DAILY_WINDOW_SCHEMA } from '#lib/time/index.ts';
import type { AuditRules } from './audit.ts';
import { FTP_LOG_FORMATS, type FtpLogFormat } from './parse.ts';
import type { PathMapping } from './reconcile.ts';
import { isServerName, SERVER_NAME_PATTERN, type FtpSource } from './sources.ts';

/** FtpAuditConfig is ftp-audit's own configuration (docs/ftp.md). */
export interface FtpAuditConfig {
  FTP_SOURCES: FtpSource[];
  FTP_RULES: Partial<AuditRules>;
  FTP_PATH_MAPPINGS: PathMapping[];
  FTP_RECONCILE_DEADLINE_MINUTES: number;
  FTP_DEFAULT_ZONE: string;
}

const FAILED_LOGINS_SCHEMA = {
  type: 'object',
  required: ['count', 'windowMinutes'],
  additionalProperties: false,
  properties: { count: { type: 'integer', minimum: 1 }, windowMinutes: { type: 'number', exclusiveMinimum: 0 } },
};

/** ftpAuditConfigSchema validates FtpAuditConfig from the function's environment, with its defaults. */
export const ftpAuditConfigSchema = {
  properties: {
    FTP_SOURCES: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        required: ['prefix', 'server', 'zone'],
        additionalProperties: false,
        properties: {
          prefix: { type: 'string' },
          server: { type: 'string', pattern: SERVER_NAME_PATTERN },
          zone: { type: 'string' },
          format: { enum: [...FTP_LOG_FORMATS] },
        },
      },
    },
    FTP_RULES: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        failedLogins: FAILED_LOGINS_SCHEMA,
        knownUsers: { type: 'array', items: { type: 'string' } },
        allowAnonymous: { type: 'boolean' },
        addressAllowlists: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
        uploadWindows: { type: 'object', additionalProperties: DAILY_WINDOW_SCHEMA },
        subsystems: SUBSYSTEM_PATTERNS_SCHEMA,
      },
    },
    FTP_PATH_MAPPINGS: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        required: ['server', 'pathPrefix', 'bucket', 'keyPrefix'],
        additionalProperties: false,
        properties: {
          server: { type: 'string' },
          pathPrefix: { type: 'string' },
          bucket: { type: 'string' },
          keyPrefix: { type: 'string' },
        },
      },
    },
    FTP_RECONCILE_DEADLINE_MINUTES: { type: 'number', exclusiveMinimum: 0, default: 60 },
    FTP_DEFAULT_ZONE: { type: 'string', default: 'UTC' },
  },
};

/** PostedLogSource is where a log POSTed as text comes from: `?server=&zone=&format=`. */
export interface PostedLogSource {
  server: string;
  zone: string;
  format: FtpLogFormat;
}

/**
 * postedLogSource reads and checks the query of a posted log: a server name (it becomes part of a state key), an
 * IANA zone (default `defaultZone`) and a known format (default `auto`); BAD_REQUEST names the offending field.
 */
export function postedLogSource(query: URLSearchParams, defaultZone: string): PostedLogSource {
  const server = query.get('server');
  if (!server)
    throw opsError('BAD_REQUEST', 'a posted log needs ?server=<name>', [{ field: 'server', reason: 'is required' }]);
  if (!isServerName(server))
    throw opsError(
      'BAD_REQUEST',
      `server "${server.slice(0, 64)}" is not a server name (letters, digits, ".", "_", "-")`,
      [{ field: 'server', reason: `does not match ${SERVER_NAME_PATTERN}` }],
    );
  const zone = query.get('zone') ?? defaultZone;
  if (!DateTime.now().setZone(zone).isValid)
    throw opsError('BAD_REQUEST', `zone "${zone.slice(0, 64)}" is not an IANA time zone`, [
      { field: 'zone', reason: 'unknown zone' },
    ]);
  const format = query.get('format') ?? 'auto';
  if (!(FTP_LOG_FORMATS as readonly string[]).includes(format))
    throw opsError('BAD_REQUEST', `format "${format}" is not one of ${FTP_LOG_FORMATS.join(', ')}`, [
      { field: 'format', reason: 'unknown format' },
    ]);
  return { server, zone, format: format as FtpLogFormat };
}
