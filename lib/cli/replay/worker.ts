/**
 * A worker thread of replay's intake (workers.ts `readInParts`): reads one part of a large
 * NDJSON file exactly as replay reads a file, into held events of its own, and sends them back
 * with what it counted. Built into dist/replay-worker.mjs beside the CLI (scripts/build.mjs).
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readPart } from './parts.ts';

const { path, start, end } = workerData as { path: string; start: number; end: number };
const result = await readPart(path, start, end);
const { held } = result;
parentPort?.postMessage(
  result,
  [held.time, held.pair, held.source].map((c) => c.buffer as ArrayBuffer),
);
