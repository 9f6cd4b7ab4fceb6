// Preloaded into a child (`node --import ./report.mjs ...`): when the process exits, reports its
// peak resident set size on file descriptor 3, for programs that cannot report it themselves
// (the CLI). Pure Node: process.resourceUsage().maxRSS is in KiB.
import { writeSync } from 'node:fs';

process.on('exit', (code) => {
  try {
    writeSync(3, `${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, code })}\n`);
  } catch {
    // no fd 3: not run by the benchmark
  }
});
