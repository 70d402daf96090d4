import { opsError } from '#lib/runtime/errors.ts';
import type { RestPage } from './rest-jobs.ts';

/** RestPullOptions say where the NetBackup primary server is and how far the last pull got. */
export interface RestPullOptions {
  /** baseUrl is https://<primary>:1556/netbackup */
  baseUrl: string;
  apiKey: { reveal(): string };
  /** apiVersions are tried in order: a 406 (unsupported Accept version) moves to the next. */
  apiVersions: string[];
  pageLimit: number;
  /** since is the lastUpdateTime watermark (ISO); only jobs updated at or after it are asked for. */
  since?: string;
  maxPages: number;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
}

/** PulledPage is one page with the API version that served it. */
export interface PulledPage {
  page: RestPage;
  apiVersion: string;
  url: string;
}

function firstUrl(options: RestPullOptions): string {
  const url = new URL(`${options.baseUrl.replace(/\/+$/, '')}/admin/jobs`);
  // page[limit] must be URL-encoded (Veritas' own curl sample); URLSearchParams does so.
  url.searchParams.set('page[limit]', String(Math.min(options.pageLimit, 100)));
  url.searchParams.set('sort', 'lastUpdateTime');
  if (options.since) url.searchParams.set('filter', `lastUpdateTime ge ${options.since}`);
  return url.toString();
}

/**
 * nextUrl finds the next page: `links.next.href` first; failing that, the cursor (`meta.pagination.next`, API ≥ 9.0)
 * or the offset (`page`/`pages`, API ≤ 4.0) from meta. A page that says there is more but gives no way to reach it
 * is NETBACKUP_PAGINATION (the jobs read so far are kept by the caller).
 */
export function nextUrl(current: string, page: RestPage, baseUrl: string): string | null {
  const href = page.links?.next?.href;
  if (href) {
    if (/^https?:\/\//.test(href)) return href;
    // Relative hrefs are relative to the API base (/netbackup), as in Veritas' examples (`/admin/jobs/1`).
    const base = new URL(baseUrl);
    const basePath = base.pathname.replace(/\/+$/, '');
    const path = href.startsWith(`${basePath}/`) ? href : `${basePath}${href.startsWith('/') ? '' : '/'}${href}`;
    return new URL(path, base.origin).toString();
  }
  const pagination = page.meta?.pagination ?? {};
  const next = pagination.next;
  const url = new URL(current);
  if (typeof next === 'string' && next !== '') {
    url.searchParams.set('page[after]', next);
    return url.toString();
  }
  if (typeof pagination.page === 'number' && typeof pagination.pages === 'number') {
    if (pagination.page + 1 >= pagination.pages) return null;
    const limit = Number(url.searchParams.get('page[limit]') ?? 10);
    url.searchParams.set('page[offset]', String((pagination.page + 1) * limit));
    return url.toString();
  }
  if (typeof next === 'number')
    throw opsError(
      'NETBACKUP_PAGINATION',
      `page ${current} announces page ${next} but gives neither links.next nor page counts`,
    );
  return null;
}

/**
 * pullJobPages walks GET /admin/jobs page by page. Errors say whether retrying helps: 429, 5xx and network errors
 * are NETBACKUP_UNAVAILABLE (503), 401/403 NETBACKUP_AUTH, a 406 on every version NETBACKUP_UNAVAILABLE naming them.
 */
export async function* pullJobPages(options: RestPullOptions): AsyncGenerator<PulledPage> {
  const doFetch = options.fetchImpl ?? fetch;
  let url: string | null = firstUrl(options);
  let versionIndex = 0;
  for (let n = 0; url !== null && n < options.maxPages; n++) {
    let response: Response;
    for (;;) {
      const version = options.apiVersions[versionIndex];
      if (version === undefined)
        throw opsError(
          'NETBACKUP_UNAVAILABLE',
          `the API accepts none of the versions ${options.apiVersions.join(', ')} (406)`,
        );
      try {
        response = await doFetch(url, {
          headers: {
            accept: `application/vnd.netbackup+json;version=${version}`,
            authorization: options.apiKey.reveal(),
          },
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (err) {
        throw opsError('NETBACKUP_UNAVAILABLE', `cannot reach the NetBackup API: ${(err as Error).message}`, [], {
          cause: err,
          retryable: true,
        });
      }
      if (response.status === 406) {
        await response.arrayBuffer();
        versionIndex++;
        continue;
      }
      break;
    }
    if (response.status === 401 || response.status === 403) {
      await response.arrayBuffer();
      throw opsError('NETBACKUP_AUTH', `the NetBackup API answered ${response.status} to the API key`);
    }
    if (response.status === 429 || response.status >= 500) {
      await response.arrayBuffer();
      throw opsError('NETBACKUP_UNAVAILABLE', `the NetBackup API answered ${response.status}`, [], { retryable: true });
    }
    if (!response.ok)
      throw opsError(
        'UPSTREAM_REJECTED',
        `the NetBackup API answered ${response.status}: ${(await response.text()).slice(0, 200)}`,
      );
    let page: RestPage;
    try {
      page = (await response.json()) as RestPage;
    } catch {
      throw opsError('NETBACKUP_UNAVAILABLE', `page ${n + 1} of the NetBackup API is not JSON`, [], {
        retryable: true,
      });
    }
    yield { page, apiVersion: options.apiVersions[versionIndex]!, url };
    url = (page.data?.length ?? 0) === 0 ? null : nextUrl(url, page, options.baseUrl);
  }
}
