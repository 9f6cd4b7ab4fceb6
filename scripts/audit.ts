// `npm audit --omit=dev --audit-level=high`, judged from its JSON: exit 0 when no production
// dependency has a high or critical advisory, 1 when one has (each is named), 2 when npm could
// not get an answer from the registry's audit endpoint — never a silent pass.
//
//   node scripts/audit.ts        (a CI step: it needs the npm registry's audit endpoint)
//
// Importing this file runs nothing: test/reliability/audit.test.ts checks `judgeAudit`.
import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Severities that fail the audit. */
export const FAILING = ['high', 'critical'] as const;

/** The verdict on one `npm audit --json` output. */
export interface AuditVerdict {
  /** 0 clean, 1 high or critical advisories, 2 no usable answer. */
  readonly code: 0 | 1 | 2;
  /** What to print, one line each. */
  readonly lines: readonly string[];
}

interface AuditJson {
  readonly auditReportVersion?: number;
  readonly vulnerabilities?: Record<
    string,
    { readonly severity?: string; readonly range?: string; readonly via?: readonly unknown[] }
  >;
  readonly metadata?: {
    readonly vulnerabilities?: Record<string, number>;
    readonly dependencies?: { readonly prod?: number; readonly total?: number };
  };
  readonly message?: string;
  readonly error?: { readonly code?: string; readonly summary?: string; readonly detail?: string };
}

/** Judges the JSON npm printed (`stdout`) for `npm audit --json`. */
export function judgeAudit(stdout: string): AuditVerdict {
  let report: AuditJson;
  try {
    report = JSON.parse(stdout) as AuditJson;
  } catch {
    return {
      code: 2,
      lines: [`audit: npm printed no JSON report: ${JSON.stringify(stdout.slice(0, 200))}`],
    };
  }
  const counts = report.metadata?.vulnerabilities;
  if (report.error || !counts || report.auditReportVersion !== 2) {
    const reason =
      report.message ??
      [report.error?.code, report.error?.summary, report.error?.detail].filter(Boolean).join(': ');
    return {
      code: 2,
      lines: [
        `audit: no answer from the npm registry's audit endpoint (${reason || 'no report'}); run it where the registry is reachable`,
      ],
    };
  }
  const failing = Object.entries(report.vulnerabilities ?? {})
    .filter(([, v]) => (FAILING as readonly string[]).includes(v.severity ?? ''))
    .map(([name, v]) => {
      const via = (v.via ?? [])
        .map((x) => (typeof x === 'string' ? x : ((x as { title?: string }).title ?? '')))
        .filter(Boolean)
        .join('; ');
      return `audit: ${v.severity} ${name} ${v.range ?? ''}${via ? ` — ${via}` : ''}`;
    })
    .sort();
  const summary = `audit: ${counts.critical ?? 0} critical, ${counts.high ?? 0} high, ${counts.moderate ?? 0} moderate, ${counts.low ?? 0} low in ${report.metadata?.dependencies?.prod ?? '?'} production dependencies`;
  const high = (counts.high ?? 0) + (counts.critical ?? 0);
  return high > 0 || failing.length > 0
    ? { code: 1, lines: [...failing, summary] }
    : { code: 0, lines: [summary] };
}

function main(): never {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(npm, ['audit', '--omit=dev', '--audit-level=high', '--json'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) {
    process.stderr.write(`audit: could not run npm: ${run.error.message}\n`);
    process.exit(2);
  }
  const verdict = judgeAudit(run.stdout);
  const out = verdict.code === 0 ? process.stdout : process.stderr;
  out.write(`${verdict.lines.join('\n')}\n`);
  process.exit(verdict.code);
}

// Run as a script (also through a symbolic link), not when imported.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();
