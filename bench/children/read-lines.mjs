// The replay baseline (row 4): reads an NDJSON file line by line and JSON.parses each line, the
// least any replay must do. Two ways, reported both: node:readline (the idiomatic one) and a
// plain split of the stream's chunks (usually faster). Reports on fd 3.
import { createReadStream, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';

const [file, how] = process.argv.slice(2);
const started = performance.now();
let lines = 0;
let kinds = 0;
if (how === 'readline') {
  const rl = createInterface({
    input: createReadStream(file),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of rl) {
    if (line === '') continue;
    const value = JSON.parse(line);
    if (value.detail !== undefined) kinds++;
    lines++;
  }
} else {
  const decoder = new TextDecoder();
  let partial = '';
  for await (const chunk of createReadStream(file)) {
    const text = partial + decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      if (end > start) {
        const value = JSON.parse(text.slice(start, end));
        if (value.detail !== undefined) kinds++;
        lines++;
      }
      start = end + 1;
    }
    partial = text.slice(start);
  }
  if (partial.trim() !== '') {
    JSON.parse(partial);
    lines++;
  }
}
const ms = performance.now() - started;
writeSync(
  3,
  `${JSON.stringify({ lines, kinds, ms, maxRssKiB: process.resourceUsage().maxRSS })}\n`,
);
