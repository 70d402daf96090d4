import { opsError, type OpsError } from '#lib/runtime/errors.ts';
import { createHttpsJson, type HttpsAnswer, type HttpsJson } from './https-json.ts';
import type { DatastoreSummary, HostSummary, ToolsState, VmDetails, VmSummary } from './inventory.ts';

/**
 * The vSphere Automation REST adapter, in both dialects. `/api` (vCenter 7.0 U2 and later): `POST /api/session` with
 * basic auth answers the session id as a JSON string, lists take repeated parameters (`power_states=X&hosts=h`),
 * answers are bare, errors are `{"error_type":"UNAUTHENTICATED","messages":[…]}`. `/rest` (6.5–7.0):
 * `POST /rest/com/vmware/cis/session` answers `{"value":"<id>"}`, filters are `filter.power_states.1=X`, every answer
 * is wrapped in `{"value":…}`, errors are `{"type":"com.vmware.vapi.std.errors.unauthenticated","value":{"messages":[…]}}`.
 * Both take the session in the `vmware-api-session-id` header.
 */

/** VsphereDialect picks the API flavour; `auto` tries `/api` and falls back to `/rest` when vCenter has no `/api/session`. */
export type VsphereDialect = 'auto' | 'api' | 'rest';

/** VmFilter is VM.FilterSpec, the part used to narrow a list that is too large. */
export interface VmFilter {
  power_states?: string[];
  hosts?: string[];
  names?: string[];
}

export interface VsphereClientOptions {
  url: string;
  username: { reveal(): string };
  password: { reveal(): string };
  /** ca is vCenter's CA bundle (PEM); Node's bundled roots otherwise. */
  ca?: string;
  dialect: VsphereDialect;
  timeoutMs: number;
}

/** VsphereClient reads vCenter's inventory in one session, logging in again once when the session expires. */
export interface VsphereClient {
  login(signal?: AbortSignal): Promise<'api' | 'rest'>;
  listVms(filter: VmFilter, signal?: AbortSignal): Promise<VmSummary[]>;
  getVm(vm: string, signal?: AbortSignal): Promise<VmDetails | null>;
  /** toolsState answers from guest/identity; null when the VM vanished meanwhile. */
  toolsState(vm: string, signal?: AbortSignal): Promise<ToolsState | null>;
  listHosts(signal?: AbortSignal): Promise<HostSummary[]>;
  listDatastores(signal?: AbortSignal): Promise<DatastoreSummary[]>;
  logout(signal?: AbortSignal): Promise<void>;
  close(): void;
  /** logins counts sessions opened (the first and each renewal). */
  readonly logins: number;
}

/** VapiError is a vAPI error answer, normalized across dialects (`UNAUTHENTICATED`, `UNABLE_TO_ALLOCATE_RESOURCE`…). */
export interface VapiError {
  status: number;
  errorType: string;
  message: string;
}

/** vapiError reads either dialect's error body. */
export function vapiError(answer: HttpsAnswer): VapiError {
  const b = (answer.body ?? {}) as {
    error_type?: string;
    type?: string;
    messages?: Array<{ default_message?: string }>;
    value?: { messages?: Array<{ default_message?: string }> };
  };
  const errorType = b.error_type ?? (b.type ? b.type.split('.').pop()!.toUpperCase() : '');
  const messages = b.messages ?? b.value?.messages ?? [];
  const message =
    messages
      .map((m) => m.default_message)
      .filter(Boolean)
      .join('; ') || (typeof answer.body === 'string' ? answer.body.slice(0, 200) : '');
  return { status: answer.status, errorType, message };
}

/** TOO_MANY marks a list vCenter refused as too large (`UNABLE_TO_ALLOCATE_RESOURCE`): narrow the filter. */
export const TOO_MANY = 'UNABLE_TO_ALLOCATE_RESOURCE';

function failure(what: string, e: VapiError): OpsError {
  const text = `vCenter answered ${e.status}${e.errorType ? ` ${e.errorType}` : ''} to ${what}${e.message ? `: ${e.message}` : ''}`;
  if (e.status === 401 || e.status === 403) return opsError('VSPHERE_AUTH', text);
  if (e.status === 429 || e.status >= 500) return opsError('VSPHERE_UNAVAILABLE', text, [], { retryable: true });
  if (e.errorType === TOO_MANY) return opsError('VSPHERE_LIST_TOO_LARGE', text);
  return opsError('UPSTREAM_REJECTED', text);
}

function query(dialect: 'api' | 'rest', filter: VmFilter): string {
  const params = new URLSearchParams();
  for (const [name, values] of Object.entries(filter) as Array<[keyof VmFilter, string[] | undefined]>) {
    (values ?? []).forEach((v, i) => params.append(dialect === 'api' ? name : `filter.${name}.${i + 1}`, v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** createVsphereClient builds the adapter; nothing is sent before `login`. */
export function createVsphereClient(options: VsphereClientOptions): VsphereClient {
  const http: HttpsJson = createHttpsJson(options.url, {
    timeoutMs: options.timeoutMs,
    ...(options.ca ? { ca: options.ca } : {}),
  });
  let dialect: 'api' | 'rest' | undefined = options.dialect === 'auto' ? undefined : options.dialect;
  let session: string | undefined;
  let logins = 0;
  const basic = () =>
    `Basic ${Buffer.from(`${options.username.reveal()}:${options.password.reveal()}`).toString('base64')}`;

  const open = async (which: 'api' | 'rest', signal?: AbortSignal): Promise<HttpsAnswer> =>
    http.send(
      'POST',
      which === 'api' ? '/api/session' : '/rest/com/vmware/cis/session',
      { authorization: basic() },
      signal,
    );

  const login = async (signal?: AbortSignal): Promise<'api' | 'rest'> => {
    let which = dialect ?? 'api';
    let answer = await open(which, signal);
    // A 6.x vCenter has no /api: its reverse proxy answers 404 for the path.
    if (answer.status === 404 && dialect === undefined) {
      which = 'rest';
      answer = await open(which, signal);
    }
    if (answer.status === 404)
      throw opsError(
        'UPSTREAM_REJECTED',
        `${options.url} has no vSphere Automation API session endpoint (404 on ${which === 'api' ? '/api/session' : '/rest/com/vmware/cis/session'})`,
      );
    if (answer.status !== 200 && answer.status !== 201) throw failure('the login', vapiError(answer));
    const id = which === 'api' ? answer.body : (answer.body as { value?: unknown } | undefined)?.value;
    if (typeof id !== 'string' || id === '')
      throw opsError('VSPHERE_UNAVAILABLE', 'vCenter answered the login without a session id', [], { retryable: true });
    dialect = which;
    session = id;
    logins++;
    return which;
  };

  // Requests in flight together all see the expiry: one new session serves them all.
  let renewing: Promise<unknown> | undefined;
  const renew = async (expired: string | undefined, signal?: AbortSignal): Promise<void> => {
    if (session !== expired) return;
    renewing ??= login(signal).finally(() => {
      renewing = undefined;
    });
    await renewing;
  };

  /** get sends one authenticated GET; a 401 (session expired or revoked) logs in again once and repeats it. */
  const get = async (
    path: string,
    what: string,
    signal?: AbortSignal,
    accept: (a: HttpsAnswer) => boolean = (a) => a.status === 200,
  ): Promise<HttpsAnswer> => {
    if (!session || !dialect) await renew(undefined, signal);
    for (let attempt = 0; ; attempt++) {
      const used = session;
      const answer = await http.send('GET', `/${dialect}${path}`, { 'vmware-api-session-id': used! }, signal);
      if (answer.status === 401 && attempt === 0) {
        await renew(used, signal);
        continue;
      }
      if (accept(answer)) return answer;
      throw failure(what, vapiError(answer));
    }
  };
  const value = <T>(answer: HttpsAnswer): T =>
    dialect === 'rest' ? (answer.body as { value: T }).value : (answer.body as T);
  const list = async <T>(path: string, what: string, signal?: AbortSignal): Promise<T[]> => {
    const items = value<T[]>(await get(path, what, signal));
    if (!Array.isArray(items))
      throw opsError('VSPHERE_UNAVAILABLE', `vCenter answered ${what} with no list`, [], { retryable: true });
    return items;
  };

  return {
    login,
    listVms: (filter, signal) =>
      list<VmSummary>(`/vcenter/vm${query(dialect ?? 'api', filter)}`, 'the VM list', signal),
    listHosts: (signal) => list<HostSummary>('/vcenter/host', 'the host list', signal),
    listDatastores: (signal) => list<DatastoreSummary>('/vcenter/datastore', 'the datastore list', signal),
    async getVm(vm, signal) {
      const answer = await get(
        `/vcenter/vm/${encodeURIComponent(vm)}`,
        `the VM ${vm}`,
        signal,
        (a) => a.status === 200 || a.status === 404,
      );
      return answer.status === 404 ? null : value<VmDetails>(answer);
    },
    async toolsState(vm, signal) {
      // 503 SERVICE_UNAVAILABLE is guest/identity's documented answer "if VMware Tools is not running"; any other 503 is vCenter's own.
      const toolsDown = (a: HttpsAnswer) => a.status === 503 && vapiError(a).errorType === 'SERVICE_UNAVAILABLE';
      const answer = await get(
        `/vcenter/vm/${encodeURIComponent(vm)}/guest/identity`,
        `the guest identity of ${vm}`,
        signal,
        (a) => a.status === 200 || a.status === 404 || toolsDown(a),
      );
      if (answer.status === 404) return null;
      return answer.status === 200 ? 'running' : 'not-running';
    },
    async logout(signal) {
      if (!session || !dialect) return;
      const id = session;
      session = undefined;
      await http.send(
        'DELETE',
        dialect === 'api' ? '/api/session' : '/rest/com/vmware/cis/session',
        { 'vmware-api-session-id': id },
        signal,
      );
    },
    close: () => http.close(),
    get logins() {
      return logins;
    },
  };
}
