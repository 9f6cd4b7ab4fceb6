/**
 * The replay workload (row 4): ECR Image Action PUSH events as NDJSON, pushes over a fixed set of
 * tags of which 1 % move the tag to new content. Deterministic (seeded), written once per
 * parameter set into .bench-tmp/ (with a description beside it) and reused.
 *
 * Events are generated in time order (one per second) and written in delivery order: shuffled
 * within windows of 64 lines, as EventBridge delivers roughly but not strictly in order, so that
 * the replay's time sort has real work to do.
 *
 * @module
 */
import {
  closeSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { prng } from './prng.ts';

/** Parameters of the workload. */
export interface ReplayWorkload {
  readonly events: number;
  readonly tags: number;
  /** Share of all events that move a tag to a new digest (never a tag's first push). */
  readonly overwriteRate: number;
  readonly seed: number;
}

/** The workload of the issue: 1,000,000 events over 50,000 tags, 1 % overwrites. */
export const ISSUE_WORKLOAD: ReplayWorkload = {
  events: 1_000_000,
  tags: 50_000,
  overwriteRate: 0.01,
  seed: 20250724,
};

/** What a generated file holds. */
export interface ReplayFile {
  readonly path: string;
  readonly bytes: number;
  readonly events: number;
  /** Pushes that moved a tag to a new digest. */
  readonly overwrites: number;
}

/** A 64-hex-digit digest body derived from two numbers (not a real hash: only distinct). */
function digestOf(tag: number, version: number): string {
  let x = (Math.imul(tag + 1, 0x9e3779b1) ^ Math.imul(version + 1, 0x85ebca6b)) >>> 0;
  let out = 'sha256:';
  for (let i = 0; i < 8; i++) {
    x = (Math.imul(x ^ (x >>> 13), 0x5bd1e995) + i + tag) >>> 0;
    x = (x ^ (x >>> 15)) >>> 0;
    out += x.toString(16).padStart(8, '0');
  }
  return out;
}

/** Repository and tag names: mostly release tags, some dev tags, a few moving names. */
function names(tags: number, random: () => number): { repository: string[]; tag: string[] } {
  const repository: string[] = [];
  const tag: string[] = [];
  const perRepository = 50;
  for (let i = 0; i < tags; i++) {
    const r = Math.floor(i / perRepository);
    const team = r % 40;
    const prefix = r % 97 === 0 ? 'prod' : r % 89 === 0 ? 'sandbox' : `team-${team}`;
    repository.push(`${prefix}/service-${r}`);
    const kind = random();
    const n = i % perRepository;
    tag.push(
      kind < 0.7
        ? `v${Math.floor(n / 10)}.${n % 10}.${Math.floor(random() * 20)}`
        : kind < 0.9
          ? `dev-${n}-${Math.floor(random() * 1e6).toString(36)}`
          : `${['latest', 'main', 'stable'][n % 3]}-${n}`,
    );
  }
  return { repository, tag };
}

/**
 * Writes the workload to `path` unless a file of the expected size is there already; returns
 * what it holds.
 */
export function ensureReplayFile(path: string, w: ReplayWorkload = ISSUE_WORKLOAD): ReplayFile {
  // A description beside the file says what it holds; a file that matches it is reused.
  const described = `${path}.json`;
  try {
    const known = JSON.parse(readFileSync(described, 'utf8')) as ReplayFile & { workload: unknown };
    if (
      JSON.stringify(known.workload) === JSON.stringify(w) &&
      statSync(path).size === known.bytes
    ) {
      return { path, bytes: known.bytes, events: known.events, overwrites: known.overwrites };
    }
  } catch {
    // not generated yet
  }
  const file = generate(path, w);
  writeFileSync(described, JSON.stringify({ ...file, workload: w }));
  return file;
}

function generate(path: string, w: ReplayWorkload): ReplayFile {
  const random = prng(w.seed);
  const { repository, tag } = names(w.tags, random);
  const version = new Int32Array(w.tags).fill(-1);
  const start = Date.UTC(2025, 6, 24);
  let overwrites = 0;
  // Only pushes after a tag's first can move it.
  const moveChance = (w.overwriteRate * w.events) / Math.max(1, w.events - w.tags);
  const lines: string[] = [];
  const window: string[] = [];
  let bytes = 0;
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  const flush = (force: boolean) => {
    if (lines.length >= 20_000 || (force && lines.length > 0)) {
      const text = lines.join('');
      bytes += Buffer.byteLength(text);
      writeSync(fd, text);
      lines.length = 0;
    }
  };
  const shuffleOut = () => {
    for (let i = window.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = window[i] as string;
      window[i] = window[j] as string;
      window[j] = t;
    }
    lines.push(...window);
    window.length = 0;
  };
  for (let i = 0; i < w.events; i++) {
    // Every tag is pushed once first (in a random order), then pushes pick tags at random.
    const t = i < w.tags ? (i * 7919) % w.tags : Math.floor(random() * w.tags);
    const first = version[t] === -1;
    if (first) version[t] = 0;
    else if (random() < moveChance) {
      version[t] = (version[t] as number) + 1;
      overwrites++;
    }
    const time = new Date(start + i * 1000).toISOString().slice(0, 19);
    // A version-4 UUID, as EventBridge writes event ids (distinct, not random).
    const h = digestOf(i, -1);
    const id = `${h.slice(7, 15)}-${h.slice(15, 19)}-4${h.slice(20, 23)}-8${h.slice(24, 27)}-${h.slice(27, 39)}`;
    window.push(
      `{"version":"0","id":"${id}","detail-type":"ECR Image Action","source":"aws.ecr","account":"123456789012","time":"${time}Z","region":"us-east-1","resources":[],"detail":{"result":"SUCCESS","repository-name":"${repository[t]}","image-digest":"${digestOf(t, version[t] as number)}","action-type":"PUSH","image-tag":"${tag[t]}"}}\n`,
    );
    if (window.length === 64) shuffleOut();
    flush(false);
  }
  shuffleOut();
  flush(true);
  closeSync(fd);
  renameSync(tmp, path);
  return { path, bytes, events: w.events, overwrites };
}
