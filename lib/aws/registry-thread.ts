/**
 * A scan thread of the CLI's organization scan: serves member registries to the main thread
 * (registry-calls.ts). Built into dist/scan-thread.mjs beside the CLI (scripts/build.mjs).
 *
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { createMemberRegistry } from './member-registry.ts';
import { type RegistryPort, serveRegistries } from './registry-calls.ts';

if (parentPort) serveRegistries(parentPort as RegistryPort, createMemberRegistry);
