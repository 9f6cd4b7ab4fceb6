/**
 * A scan thread that dies: the real one (lib/aws/registry-thread.ts), but it exits with code 1
 * when asked for the tags of a repository named `poison` (test/cli/registry-threads.test.ts).
 */
import { parentPort } from 'node:worker_threads';
import { createMemberRegistry } from '../../lib/aws/member-registry.ts';
import { type RegistryPort, serveRegistries } from '../../lib/aws/registry-calls.ts';

const port = parentPort as RegistryPort;
port.on('message', (call) => {
  if (call.op === 'listTags' && call.repositoryName === 'poison') process.exit(1);
});
serveRegistries(port, createMemberRegistry);
