// .tmp/floor.mts
import { createReadStream } from "node:fs";

// lib/lines/read-lines.ts
import { StringDecoder } from "node:string_decoder";
var RAW_LIMIT = 512;
function makeReject(line, reason, raw) {
  return { kind: "reject", line, reason, raw: raw.length > RAW_LIMIT ? `${raw.slice(0, RAW_LIMIT)}\u2026` : raw };
}
async function* readLineBatches(source, options = {}) {
  const maxLength = options.maxLineLength ?? 1024 * 1024;
  const decoder = new StringDecoder("utf8");
  let lineNo = options.firstLine ?? 1;
  let pending = "";
  let overlong = false;
  let overlongHead = "";
  const finish = (text, out) => {
    if (overlong) {
      out.push(makeReject(lineNo, "LINE_TOO_LONG", overlongHead));
      overlong = false;
      overlongHead = "";
    } else {
      out.push({ line: lineNo, text: text.endsWith("\r") ? text.slice(0, -1) : text });
    }
    lineNo++;
  };
  for await (const chunk of source) {
    const text = typeof chunk === "string" ? chunk : decoder.write(chunk);
    const out = [];
    let start = 0;
    let nl = text.indexOf("\n");
    while (nl !== -1) {
      const piece = text.slice(start, nl);
      if (!overlong && pending.length + piece.length > maxLength) {
        overlong = true;
        overlongHead = (pending + piece).slice(0, RAW_LIMIT);
      }
      finish(overlong ? "" : pending + piece, out);
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
    if (out.length > 0) yield out;
  }
  const tail = decoder.end();
  if (!overlong) pending += tail;
  if (overlong || pending.length > 0) {
    const out = [];
    finish(pending, out);
    yield out;
  }
}

// .tmp/floor.mts
var n = 0;
var t = performance.now();
for await (const b of readLineBatches(createReadStream(process.argv[2], { highWaterMark: 1 << 20 }))) n += b.length;
console.log("readLineBatches", n, ((performance.now() - t) / 1e3).toFixed(2), "s");
t = performance.now();
n = 0;
for await (const c of createReadStream(process.argv[2], { highWaterMark: 1 << 20, encoding: "utf8" })) {
  let i = -1;
  while ((i = c.indexOf("\n", i + 1)) !== -1) n++;
}
console.log("indexOf only", n, ((performance.now() - t) / 1e3).toFixed(2), "s");
