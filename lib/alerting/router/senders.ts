import { createHash } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import nodemailer from 'nodemailer';
import { opsError, type OpsError } from '#lib/runtime/errors.ts';
import type {
  EmailReceiver,
  PagerDutyReceiver,
  Receiver,
  SlackReceiver,
  WebhookReceiver,
} from '../config/alertmanager-config.ts';
import type { WebhookPayload } from '../webhook-payload.ts';

/**
 * The integrations alert-router delivers: webhook (Alertmanager payload v4), Slack and Mattermost incoming webhooks
 * (Mattermost accepts Slack's format), email over SMTP, PagerDuty Events v2. Each throws RECEIVER_UNAVAILABLE for
 * what a retry may fix (5xx, 429, timeouts, refused connections, SMTP 4xx) and RECEIVER_REJECTED for what it won't.
 */
export interface SendContext {
  signal: AbortSignal;
  /** ackUrl, when escalation is on, is the signed acknowledgement link added to every human-facing message. */
  ackUrl?: string;
  userAgent: string;
}

async function post(
  url: string,
  body: unknown,
  what: string,
  ctx: SendContext,
  ok: (status: number) => boolean = (s) => s >= 200 && s < 300,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': ctx.userAgent },
      body: JSON.stringify(body),
      signal: ctx.signal,
    });
  } catch (err) {
    throw opsError(
      'RECEIVER_UNAVAILABLE',
      `${what}: ${(err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError' ? 'timed out' : (err as Error).message}`,
      [],
      { cause: err, retryable: true },
    );
  }
  const text = await response.text().catch(() => '');
  if (ok(response.status)) return;
  const detail = `${what} answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
  if (response.status === 429 || response.status >= 500) {
    // Slack, PagerDuty and most proxies say when to come back; the outbox waits at least that long
    const retryAfter = response.headers.get('retry-after');
    throw Object.assign(
      opsError('RECEIVER_UNAVAILABLE', detail, [], { retryable: true }),
      retryAfter ? { retryAfter } : {},
    );
  }
  throw opsError('RECEIVER_REJECTED', detail);
}

/** title is the one-line summary every human-facing integration uses: `[FIRING:2] ChecksumMismatch STS`. */
export function title(p: WebhookPayload): string {
  const firing = p.alerts.filter((a) => a.status === 'firing').length;
  const names = Object.values(p.groupLabels).join(' ') || p.commonLabels.alertname || '';
  return `[${p.status.toUpperCase()}${p.status === 'firing' ? `:${firing}` : ''}] ${names}`.trim();
}

function lines(p: WebhookPayload, ackUrl?: string): string[] {
  const out = p.alerts.map(
    (a) =>
      `${a.status === 'firing' ? '🔥' : '✅'} ${a.labels.alertname ?? ''} ${a.labels.subsystem ? `[${a.labels.subsystem}] ` : ''}${a.annotations.summary ?? ''}${a.annotations.runbook_url ? ` (runbook: ${a.annotations.runbook_url})` : ''}`,
  );
  if (p.truncatedAlerts > 0) out.push(`… and ${p.truncatedAlerts} more`);
  if (ackUrl) out.push(`Acknowledge: ${ackUrl}`);
  return out;
}

export async function sendWebhook(r: WebhookReceiver, p: WebhookPayload, ctx: SendContext): Promise<void> {
  await post(r.url, ackUrlPayload(p, ctx.ackUrl), `webhook ${new URL(r.url).host}`, ctx);
}

function ackUrlPayload(p: WebhookPayload, ackUrl?: string): WebhookPayload | (WebhookPayload & { ackURL: string }) {
  return ackUrl ? { ...p, ackURL: ackUrl } : p;
}

export async function sendSlack(r: SlackReceiver, p: WebhookPayload, ctx: SendContext): Promise<void> {
  const body: Record<string, unknown> = {
    text: `*${r.title ?? title(p)}*\n${(r.text ?? lines(p, ctx.ackUrl).join('\n')).slice(0, 39_000)}`,
  };
  if (r.channel) body.channel = r.channel;
  if (r.username) body.username = r.username;
  await post(r.apiUrl, body, `chat webhook ${new URL(r.apiUrl).host}`, ctx);
}

export async function sendPagerDuty(r: PagerDutyReceiver, p: WebhookPayload, ctx: SendContext): Promise<void> {
  const summary = `${title(p)} ${p.commonAnnotations.summary ?? ''}`.trim().slice(0, 1024);
  const severity =
    r.severity ??
    (['critical', 'warning', 'info', 'error'].includes(p.commonLabels.severity ?? '')
      ? p.commonLabels.severity
      : 'error');
  const body = {
    routing_key: r.routingKey,
    event_action: p.status === 'firing' ? 'trigger' : 'resolve',
    dedup_key: createHash('sha256').update(p.groupKey).digest('hex'),
    payload: {
      summary,
      source: r.source ?? p.commonLabels.subsystem ?? 'cmp-ops',
      severity,
      custom_details: {
        firing: lines({ ...p, alerts: p.alerts.filter((a) => a.status === 'firing') }).join('\n'),
        groupKey: p.groupKey,
      },
    },
    ...(ctx.ackUrl ? { links: [{ href: ctx.ackUrl, text: 'Acknowledge in cmp-ops' }] } : {}),
    client: 'cmp-ops alert-router',
  };
  await post(r.url, body, 'PagerDuty Events API', ctx, (s) => s === 202 || (s >= 200 && s < 300));
}

/** smtpError classifies an SMTP failure: 4xx replies and connection errors are retryable, 5xx replies are not. */
function smtpError(err: unknown, host: string): OpsError {
  const code = (err as { responseCode?: number }).responseCode;
  const message = `SMTP ${host}: ${(err as Error).message}`;
  if (code !== undefined && code >= 500) return opsError('RECEIVER_REJECTED', message, [], { cause: err });
  return opsError('RECEIVER_UNAVAILABLE', message, [], { cause: err, retryable: true });
}

export async function sendEmail(r: EmailReceiver, p: WebhookPayload, ctx: SendContext): Promise<void> {
  const [host, port] = [
    r.smarthost.slice(0, r.smarthost.lastIndexOf(':')),
    Number(r.smarthost.slice(r.smarthost.lastIndexOf(':') + 1)),
  ];
  const transport = nodemailer.createTransport({
    host,
    port,
    secure: port === 465,
    requireTLS: r.requireTls && port !== 465,
    ignoreTLS: !r.requireTls,
    name: r.hello,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    ...(r.authUsername ? { auth: { user: r.authUsername, pass: r.authPassword ?? '' } } : {}),
  });
  const abort = () => transport.close();
  ctx.signal.addEventListener('abort', abort, { once: true });
  try {
    await transport.sendMail({
      from: r.from,
      to: r.to,
      subject: title(p),
      text: `${lines(p, ctx.ackUrl).join('\n')}\n\nGroup: ${p.groupKey}\n`,
      headers: r.headers,
    });
  } catch (err) {
    throw smtpError(err, r.smarthost);
  } finally {
    ctx.signal.removeEventListener('abort', abort);
    transport.close();
  }
}

/** sendTo delivers one outbox entry's payload through the integration it names (`webhook/0`, `email/1`, …). */
export async function sendTo(
  receiver: Receiver,
  integration: string,
  payload: WebhookPayload,
  ctx: SendContext,
): Promise<void> {
  const [kind, index] = integration.split('/') as [string, string];
  const i = Number(index);
  const missing = () =>
    opsError('RECEIVER_REJECTED', `receiver ${receiver.name} has no ${integration} any more (configuration changed)`);
  switch (kind) {
    case 'webhook':
      if (!receiver.webhook[i]) throw missing();
      return sendWebhook(receiver.webhook[i]!, payload, ctx);
    case 'slack':
      if (!receiver.slack[i]) throw missing();
      return sendSlack(receiver.slack[i]!, payload, ctx);
    case 'email':
      if (!receiver.email[i]) throw missing();
      return sendEmail(receiver.email[i]!, payload, ctx);
    case 'pagerduty':
      if (!receiver.pagerduty[i]) throw missing();
      return sendPagerDuty(receiver.pagerduty[i]!, payload, ctx);
    case 'file':
      if (!receiver.file?.[i]) throw missing();
      await appendFile(receiver.file[i]!.path, `${JSON.stringify(ackUrlPayload(payload, ctx.ackUrl))}\n`);
      return;
    default:
      throw missing();
  }
}
