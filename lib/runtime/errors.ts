/**
 * The one error catalog: every error cmp-ops answers with, its stable code, HTTP status and default message.
 * docs/errors.md lists the same codes for operators; test/runtime/errors.test.ts keeps the two in step.
 * Match on `err.code`, never on `instanceof`: every bundle carries its own copy of lib/.
 */
export const ERROR_CATALOG = {
  // request shape
  BAD_JSON: { status: 400, message: 'request body is not valid JSON' },
  BAD_REQUEST: { status: 400, message: 'request does not match the expected shape' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'content-type is not accepted here' },
  UNKNOWN_EVENT: { status: 400, message: 'event name is not one this function handles' },
  UNKNOWN_FORMAT: { status: 400, message: 'input is in no format this parser knows' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'request body exceeds the size limit' },
  UNAUTHORIZED: { status: 401, message: 'missing or wrong caller credentials' },
  NOT_FOUND: { status: 404, message: 'no such resource' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'method not allowed on this path' },
  CONFLICT: { status: 409, message: 'the resource changed concurrently; retry' },
  CSRF_REJECTED: { status: 403, message: 'the form carried no valid CSRF token: reload the page and try again' },
  CONSOLE_READ_ONLY: { status: 403, message: 'this console user is read-only: actions need an operator login' },
  ROUTER_OVERLOADED: { status: 429, message: 'alert-router holds as many alerts as it may; retry after Retry-After' },
  // dependencies
  STORAGE_UNAVAILABLE: { status: 503, message: 'object storage is unreachable or failing; retry later' },
  STORAGE_DENIED: { status: 502, message: 'object storage refused the credentials or the operation' },
  OBJECT_NOT_FOUND: { status: 404, message: 'object does not exist' },
  BUCKET_NOT_FOUND: { status: 404, message: 'bucket does not exist' },
  BAD_OBJECT_KEY: { status: 400, message: 'object key has a control character or a "." or ".." segment' },
  GATEWAY_UNAVAILABLE: {
    status: 503,
    message: 'the OpenFaaS gateway or a downstream function is unavailable; retry later',
  },
  UPSTREAM_REJECTED: { status: 502, message: 'a downstream service rejected the request permanently' },
  DEADLINE_EXCEEDED: { status: 503, message: 'the request ran out of time before finishing; retry later' },
  RECEIVER_UNAVAILABLE: { status: 503, message: 'a notification receiver is unreachable or failing; retry later' },
  RECEIVER_REJECTED: { status: 502, message: 'a notification receiver rejected the notification permanently' },
  NETBACKUP_UNAVAILABLE: {
    status: 503,
    message: 'the NetBackup REST API is unreachable, busy or failing; retry later',
  },
  NETBACKUP_AUTH: {
    status: 502,
    message: 'the NetBackup REST API refused the API key (401/403): fix the cmp-ops-netbackup-api-key secret',
  },
  NETBACKUP_PAGINATION: {
    status: 502,
    message: 'the NetBackup REST API paging is inconsistent; the pull stopped without losing the pages read',
  },
  TESTLINK_UNAVAILABLE: {
    status: 503,
    message: 'TestLink is unreachable or failing; the results wait in the XML import file',
  },
  TESTLINK_REJECTED: {
    status: 502,
    message: 'TestLink refused a call (its error code and the test case are in the message)',
  },
  TESTLINK_NOT_XMLRPC: {
    status: 502,
    message: 'the TestLink URL answered something other than XML-RPC (an HTML page): check the URL',
  },
  VSPHERE_UNAVAILABLE: {
    status: 503,
    message: 'vCenter (vSphere Automation API) is unreachable, timed out or failing; retry later',
  },
  VSPHERE_AUTH: {
    status: 502,
    message: 'vCenter refused the credentials (401/403): fix the cmp-ops-vsphere-username/-password secrets',
  },
  VSPHERE_TLS: {
    status: 502,
    message: "vCenter's certificate is not trusted: set VSPHERE_CA_FILE to its CA (never skipped)",
  },
  VSPHERE_LIST_TOO_LARGE: {
    status: 502,
    message: 'a vCenter list stayed over its size limit even narrowed by power state and host',
  },
  VSPHERE_EXPECTATIONS_INVALID: {
    status: 400,
    message: 'the vSphere expectations file is invalid; details give the line',
  },
  // configuration
  KUBE_UNAVAILABLE: { status: 503, message: 'the Kubernetes API server is unreachable or failing; retry later' },
  KUBE_UNAUTHORIZED: {
    status: 502,
    message: 'the Kubernetes API refused the credentials (401): check the ServiceAccount token or KUBECONFIG',
  },
  KUBE_FORBIDDEN: {
    status: 502,
    message: 'the Kubernetes API forbade a read (403): the ServiceAccount lacks a permission (k8s/rbac.yaml)',
  },
  ROUTING_INVALID: {
    status: 400,
    message: 'the routing configuration (alertmanager.yml) is invalid; details give the line',
  },
  CAMPAIGN_INVALID: { status: 400, message: 'the validation campaign file is invalid (details give the line)' },
  RELEASE_INVALID: { status: 400, message: 'the approved release manifest is invalid (digests only, with the line)' },
  CONFIG_INVALID: { status: 500, message: 'configuration is invalid' },
  SECRET_MISSING: { status: 500, message: 'a required secret is missing' },
  INTERNAL: { status: 500, message: 'internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

/** ErrorCode is one of the stable codes of the catalog. */
export type ErrorCode = keyof typeof ERROR_CATALOG;

/** ErrorDetail points at what was wrong: a field path, a line number, or both. */
export interface ErrorDetail {
  field?: string;
  line?: number;
  index?: number;
  reason: string;
}

/** OpsError is an error with a catalog code, its HTTP status and whether retrying may succeed. */
export class OpsError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetail[];
  readonly retryable: boolean;

  constructor(
    code: ErrorCode,
    message?: string,
    details: ErrorDetail[] = [],
    options: { cause?: unknown; retryable?: boolean } = {},
  ) {
    super(message ?? ERROR_CATALOG[code].message, { cause: options.cause });
    this.name = 'OpsError';
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.details = details;
    this.retryable = options.retryable ?? this.status === 503;
  }
}

/** opsError builds an OpsError for a catalog code. */
export function opsError(
  code: ErrorCode,
  message?: string,
  details: ErrorDetail[] = [],
  options: { cause?: unknown; retryable?: boolean } = {},
): OpsError {
  return new OpsError(code, message, details, options);
}

/** isOpsError tells whether a thrown value carries a catalog code (structural: works across bundles). */
export function isOpsError(value: unknown): value is OpsError {
  if (typeof value !== 'object' || value === null) return false;
  const code = (value as { code?: unknown }).code;
  return (
    typeof code === 'string' &&
    Object.hasOwn(ERROR_CATALOG, code) &&
    typeof (value as { status?: unknown }).status === 'number'
  );
}

/** errorBody is the JSON body every error response carries. */
export function errorBody(err: OpsError): { error: { code: ErrorCode; message: string; details: ErrorDetail[] } } {
  return { error: { code: err.code, message: err.message, details: err.details } };
}

/** toOpsError turns anything thrown into an OpsError; unknown errors become INTERNAL (never a 2xx). */
export function toOpsError(value: unknown): OpsError {
  if (isOpsError(value)) return value;
  if (typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'AbortError') {
    return new OpsError('DEADLINE_EXCEEDED', undefined, [], { cause: value });
  }
  return new OpsError('INTERNAL', undefined, [], { cause: value });
}
