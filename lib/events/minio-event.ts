import type { ObjectInfo } from '#lib/storage/index.ts';

/**
 * minioWebhookBody builds the exact body MinIO's webhook target POSTs for one object event
 * (minio/minio internal/event/event.go; the key query-escaped as Go's url.QueryEscape does; top-level Key unescaped).
 * The local stack uses it to deliver events the way production MinIO does.
 */
export function minioWebhookBody(input: {
  eventName: string;
  info: ObjectInfo;
  eventTime: Date;
  accessKey: string;
  sourceIp?: string;
}): Record<string, unknown> {
  const { info } = input;
  const object: Record<string, unknown> = {
    key: goQueryEscape(info.key),
    size: info.size,
    eTag: info.etag,
    contentType: info.contentType ?? 'application/octet-stream',
    userMetadata: { 'content-type': info.contentType ?? 'application/octet-stream', ...prefixMeta(info.metadata) },
    sequencer: (BigInt(info.lastModified.getTime()) * 1_000_000n).toString(16).toUpperCase(),
  };
  if (info.versionId) object.versionId = info.versionId;
  return {
    EventName: input.eventName,
    Key: `${info.bucket}/${info.key}`,
    Records: [
      {
        eventVersion: '2.0',
        eventSource: 'minio:s3',
        awsRegion: '',
        eventTime: input.eventTime.toISOString(),
        eventName: input.eventName,
        userIdentity: { principalId: input.accessKey },
        requestParameters: { principalId: input.accessKey, region: '', sourceIPAddress: input.sourceIp ?? '127.0.0.1' },
        responseElements: {
          'x-amz-request-id': (BigInt(input.eventTime.getTime()) * 1_000_000n).toString(16).toUpperCase(),
          'x-minio-origin-endpoint': 'http://127.0.0.1:9000',
        },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'Config',
          bucket: {
            name: info.bucket,
            ownerIdentity: { principalId: input.accessKey },
            arn: `arn:aws:s3:::${info.bucket}`,
          },
          object,
        },
        source: { host: input.sourceIp ?? '127.0.0.1', port: '', userAgent: 'cmp-ops-local-stack' },
      },
    ],
  };
}

function prefixMeta(metadata: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(metadata).map(([k, v]) => [`X-Amz-Meta-${k.charAt(0).toUpperCase()}${k.slice(1)}`, v]),
  );
}

/** goQueryEscape reproduces Go's url.QueryEscape: unreserved bytes kept, space as `+`, everything else %XX. */
export function goQueryEscape(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
