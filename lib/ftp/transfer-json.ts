import { fragment, type JsonBytes } from '#lib/json/index.ts';
import type { TransferRecord } from './records.ts';

// Keys in the order every log reader builds a transfer (records.ts), the order JSON.stringify follows; a test
// compares the two on each reader's transfers and on generated ones with odd strings.
const LINE = fragment('{"kind":"transfer","line":');
const FORMAT = fragment(',"format":');
const TIME = fragment(',"time":');
const SERVER = fragment(',"server":');
const HOST = fragment(',"host":');
const USER = fragment(',"user":');
const ACCESS = fragment(',"access":');
const DIRECTION = fragment(',"direction":');
const PATH = fragment(',"path":');
const BYTES = fragment(',"bytes":');
const SECONDS = fragment(',"seconds":');
const COMPLETE = fragment(',"complete":');
const MODE = fragment(',"mode":');
const END = fragment('}\n');

/** writeTransferLine writes a TransferRecord as one JSON line, byte for byte `JSON.stringify(record) + '\n'`. */
export function writeTransferLine(w: JsonBytes, r: TransferRecord): void {
  w.raw(LINE);
  w.number(r.line);
  w.raw(FORMAT);
  w.string(r.format);
  w.raw(TIME);
  w.string(r.time);
  w.raw(SERVER);
  w.string(r.server);
  w.raw(HOST);
  w.string(r.host);
  w.raw(USER);
  w.string(r.user);
  w.raw(ACCESS);
  w.stringOrNull(r.access);
  w.raw(DIRECTION);
  w.string(r.direction);
  w.raw(PATH);
  w.string(r.path);
  w.raw(BYTES);
  w.number(r.bytes);
  w.raw(SECONDS);
  w.number(r.seconds);
  w.raw(COMPLETE);
  w.boolean(r.complete);
  w.raw(MODE);
  w.stringOrNull(r.mode);
  w.raw(END);
}
