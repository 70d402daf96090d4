/** Severity is the three levels every cmp-ops alert uses. */
export type Severity = 'critical' | 'warning' | 'info';

/**
 * Alert is the Alertmanager API v2 alert (POST /api/v2/alerts): labels identify it, annotations describe it.
 * Resolve an alert by sending it again with endsAt in the past. Times are RFC 3339 strings.
 */
export interface Alert {
  labels: Record<string, string> & { alertname: string };
  annotations: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

/** AlertSink is the port through which a domain raises or resolves alerts (to alert-router via the gateway). */
export interface AlertSink {
  send(alerts: Alert[], signal?: AbortSignal): Promise<void>;
}

/** buildAlert assembles an alert in the cmp-ops shape; `resolvedAt` set means the alert is sent resolved. */
export function buildAlert(input: {
  alertname: string;
  severity: Severity;
  subsystem: string;
  labels?: Record<string, string>;
  summary: string;
  description: string;
  runbookUrl?: string;
  startsAt: string;
  resolvedAt?: string;
  generatorURL?: string;
}): Alert {
  const annotations: Record<string, string> = { summary: input.summary, description: input.description };
  if (input.runbookUrl) annotations.runbook_url = input.runbookUrl;
  const alert: Alert = {
    labels: { ...input.labels, alertname: input.alertname, severity: input.severity, subsystem: input.subsystem },
    annotations,
    startsAt: input.startsAt,
  };
  if (input.resolvedAt) alert.endsAt = input.resolvedAt;
  if (input.generatorURL) alert.generatorURL = input.generatorURL;
  return alert;
}
