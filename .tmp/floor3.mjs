// .tmp/floor3.mts
import { createReadStream } from "node:fs";

// lib/lines/read-lines.ts
import { StringDecoder } from "node:string_decoder";
var RAW_LIMIT = 512;
function makeReject(line, reason, raw) {
  return { kind: "reject", line, reason, raw: raw.length > RAW_LIMIT ? `${raw.slice(0, RAW_LIMIT)}\u2026` : raw };
}
var BATCH_LINES = 1024;
async function* readLineChunks(source, options = {}) {
  const maxLength = options.maxLineLength ?? 1024 * 1024;
  const decoder = new StringDecoder("utf8");
  let lineNo = options.firstLine ?? 1;
  let first = lineNo;
  let lines = [];
  let pending = "";
  let overlong = false;
  let overlongHead = "";
  const finish = (text) => {
    if (overlong) {
      lines.push(makeReject(lineNo, "LINE_TOO_LONG", overlongHead));
      overlong = false;
      overlongHead = "";
    } else {
      lines.push(text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text);
    }
    lineNo++;
  };
  for await (const chunk of source) {
    const text = typeof chunk === "string" ? chunk : decoder.write(chunk);
    let start = 0;
    let nl = text.indexOf("\n");
    while (nl !== -1) {
      if (lines.length === BATCH_LINES) {
        yield { first, lines };
        first = lineNo;
        lines = [];
      }
      const piece = text.slice(start, nl);
      if (!overlong && pending.length + piece.length > maxLength) {
        overlong = true;
        overlongHead = (pending + piece).slice(0, RAW_LIMIT);
      }
      finish(overlong ? "" : pending === "" ? piece : pending + piece);
      pending = "";
      start = nl + 1;
      nl = text.indexOf("\n", start);
    }
    const rest = text.slice(start);
    if (!overlong) {
      if (pending.length + rest.length > maxLength) {
        overlong = true;
        overlongHead = (pending + rest).slice(0, RAW_LIMIT);
        pending = "";
      } else {
        pending += rest;
      }
    }
    if (lines.length > 0) {
      yield { first, lines };
      first = lineNo;
      lines = [];
    }
  }
  const tail = decoder.end();
  if (!overlong) pending += tail;
  if (overlong || pending.length > 0) {
    finish(pending);
    yield { first, lines };
  }
}

// .tmp/floor3.mts
var n = 0;
var t = performance.now();
for await (const c of readLineChunks(createReadStream(process.argv[2], { highWaterMark: 1 << 20 }))) {
  const out = [];
  for (let i = 0; i < c.lines.length; i++) {
    const s = c.lines[i];
    out.push({ kind: "transfer", line: c.first + i, format: "xferlog", time: "x", server: "b", host: s.slice(27, 37), user: s.slice(s.length - 20, s.length - 16), access: "real", direction: "upload", path: s.slice(40, 70), bytes: 1, seconds: 2, complete: true, mode: "binary" });
  }
  n += out.length;
}
console.log("chunks+objects", n, ((performance.now() - t) / 1e3).toFixed(2), "s");
