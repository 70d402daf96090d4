import { fragment, type JsonBytes } from '#lib/json/index.ts';
import type { JobTry, NetBackupJob } from './job.ts';

// Keys in the order every parser builds a job (job.ts), the order JSON.stringify follows; a test compares the two on
// each source's jobs and on generated ones with odd strings.
const K = Object.fromEntries(
  Object.entries({
    line: '{"kind":"job","line":',
    source: ',"source":',
    jobId: ',"jobId":',
    parentJobId: ',"parentJobId":',
    isParent: ',"isParent":',
    type: ',"type":',
    state: ',"state":',
    status: ',"status":',
    statusMessage: ',"statusMessage":',
    class: ',"class":',
    policy: ',"policy":',
    schedule: ',"schedule":',
    scheduleType: ',"scheduleType":',
    client: ',"client":',
    mediaServer: ',"mediaServer":',
    master: ',"master":',
    started: ',"started":',
    ended: ',"ended":',
    elapsedSeconds: ',"elapsedSeconds":',
    kilobytes: ',"kilobytes":',
    files: ',"files":',
    percent: ',"percent":',
    fileList: ',"fileList":',
    tries: ',"tries":[',
    extra: '],"extra":',
    end: '}\n',
    tryPid: '{"pid":',
    storageUnit: ',"storageUnit":',
    server: ',"server":',
    statusDescription: ',"statusDescription":',
    statusLines: ',"statusLines":',
    tryEnd: '}',
    comma: ',',
  }).map(([k, v]) => [k, fragment(v)]),
) as Record<string, Uint8Array>;

function writeTry(w: JsonBytes, t: JobTry): void {
  w.raw(K.tryPid!);
  w.number(t.pid);
  w.raw(K.storageUnit!);
  w.string(t.storageUnit);
  w.raw(K.server!);
  w.string(t.server);
  w.raw(K.started!);
  w.stringOrNull(t.started);
  w.raw(K.elapsedSeconds!);
  w.number(t.elapsedSeconds);
  w.raw(K.ended!);
  w.stringOrNull(t.ended);
  w.raw(K.status!);
  w.number(t.status);
  w.raw(K.statusDescription!);
  w.string(t.statusDescription);
  w.raw(K.statusLines!);
  w.stringArray(t.statusLines);
  w.raw(K.kilobytes!);
  w.number(t.kilobytes);
  w.raw(K.files!);
  w.number(t.files);
  w.raw(K.tryEnd!);
}

/** writeJobLine writes a NetBackupJob as one JSON line, byte for byte `JSON.stringify(job) + '\n'`, without the call. */
export function writeJobLine(w: JsonBytes, job: NetBackupJob): void {
  w.raw(K.line!);
  w.number(job.line);
  w.raw(K.source!);
  w.string(job.source);
  w.raw(K.jobId!);
  w.number(job.jobId);
  w.raw(K.parentJobId!);
  w.number(job.parentJobId);
  w.raw(K.isParent!);
  w.boolean(job.isParent);
  w.raw(K.type!);
  w.string(job.type);
  w.raw(K.state!);
  w.string(job.state);
  w.raw(K.status!);
  w.number(job.status);
  w.raw(K.statusMessage!);
  w.stringOrNull(job.statusMessage);
  w.raw(K.class!);
  w.string(job.class);
  w.raw(K.policy!);
  w.string(job.policy);
  w.raw(K.schedule!);
  w.string(job.schedule);
  w.raw(K.scheduleType!);
  w.stringOrNull(job.scheduleType);
  w.raw(K.client!);
  w.string(job.client);
  w.raw(K.mediaServer!);
  w.string(job.mediaServer);
  w.raw(K.master!);
  w.stringOrNull(job.master);
  w.raw(K.started!);
  w.stringOrNull(job.started);
  w.raw(K.ended!);
  w.stringOrNull(job.ended);
  w.raw(K.elapsedSeconds!);
  w.number(job.elapsedSeconds);
  w.raw(K.kilobytes!);
  w.number(job.kilobytes);
  w.raw(K.files!);
  w.number(job.files);
  w.raw(K.percent!);
  w.number(job.percent);
  w.raw(K.fileList!);
  w.stringArray(job.fileList);
  w.raw(K.tries!);
  for (let i = 0; i < job.tries.length; i++) {
    if (i > 0) w.raw(K.comma!);
    writeTry(w, job.tries[i]!);
  }
  w.raw(K.extra!);
  w.stringArray(job.extra);
  w.raw(K.end!);
}
