// .tmp/bytes.mts
import { createReadStream } from "node:fs";
var SP = 32;
var n = 0;
var t = performance.now();
var carry = null;
function scan(b, s, e) {
  if (e - s < 40 || b[s + 3] !== SP || b[s + 24] !== SP) return null;
  let end = e - 2;
  const ends = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let k = 0; k < 8; k++) {
    let p = end - 1;
    while (p >= s + 25 && b[p] !== SP) p--;
    ends[k] = p;
    end = p;
  }
  let s1 = s + 25;
  while (b[s1] !== SP) s1++;
  let s2 = s1 + 1;
  while (b[s2] !== SP) s2++;
  let s3 = s2 + 1;
  while (b[s3] !== SP) s3++;
  let secs = 0;
  for (let i = s + 25; i < s1; i++) secs = secs * 10 + b[i] - 48;
  let size = 0;
  for (let i = s2 + 1; i < s3; i++) size = size * 10 + b[i] - 48;
  return { kind: "transfer", line: 0, host: b.latin1Slice(s1 + 1, s2), path: b.utf8Slice(s3 + 1, ends[7]), user: b.latin1Slice(ends[3] + 1, ends[2]), bytes: size, seconds: secs, complete: b[e - 1] === 99, time: "x" };
}
for await (const chunk of createReadStream(process.argv[2], { highWaterMark: 1 << 20 })) {
  let buf = chunk;
  if (carry) {
    buf = Buffer.concat([carry, buf]);
    carry = null;
  }
  let start = 0;
  let nl = buf.indexOf(10, start);
  while (nl !== -1) {
    const r = scan(buf, start, nl);
    if (r) n++;
    start = nl + 1;
    nl = buf.indexOf(10, start);
  }
  if (start < buf.length) carry = buf.subarray(start);
}
console.log(n, ((performance.now() - t) / 1e3).toFixed(2), "s");
