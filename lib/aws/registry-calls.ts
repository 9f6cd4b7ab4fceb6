/**
 * Member registries served over a message port: the side of a scan thread
 * (registry-thread.ts). The CLI's organization scan keeps the engine, the ledger and the findings
 * on its main thread and reads ECR on threads of its own (lib/cli/registry-threads.ts), because
 * reading ECR — the SDK's signing, serialising and parsing, and Node's HTTP client — is about
 * nine tenths of the CPU a scan takes (bench row 7, BENCHMARKS.md), more than one core can give
 * 20 account-regions at once. What crosses the port is plain data: the registry's answers, and
 * an error's message.
 *
 * @module
 */
import type { Registry, RegistryTemplatePage } from '../core/scan/registry.ts';
import type { MemberRegistry, MemberRegistryOptions } from './member-registry.ts';

/** A call to a registry of the thread: `open` makes registry `handle`; the others use it. */
export type RegistryCall =
  | {
      readonly id: number;
      readonly op: 'open';
      readonly handle: number;
      readonly account: string;
      readonly region: string;
      readonly roleName: string;
    }
  | {
      readonly id: number;
      readonly op: 'templatePages' | 'listRepositories';
      readonly handle: number;
    }
  | {
      readonly id: number;
      readonly op: 'listTags';
      readonly handle: number;
      readonly repositoryName: string;
    }
  /** Releases the registry; answered like the others, so that a caller may wait for it. */
  | { readonly id: number; readonly op: 'destroy'; readonly handle: number };

/** A call before its id is given (the caller numbers them). */
export type RegistryRequest = WithoutId<RegistryCall>;
/** `Omit<C, 'id'>` of each member of the union. */
type WithoutId<C> = C extends RegistryCall ? Omit<C, 'id'> : never;

/**
 * The answer to call `id`: its value, or the message of its error. A `templatePages` call that
 * fails mid-way answers both: the pages read before the failure, and the failure.
 */
export interface RegistryAnswer {
  readonly id: number;
  readonly value?: unknown;
  readonly error?: string;
}

/** What a port must do: a worker thread's `parentPort`, or a `MessagePort`. */
export interface RegistryPort {
  on(event: 'message', listener: (call: RegistryCall) => void): unknown;
  postMessage(answer: RegistryAnswer): void;
}

/** Opens a member registry: {@link createMemberRegistry} in a scan thread. */
export type OpenMemberRegistry = (options: MemberRegistryOptions) => Promise<MemberRegistry>;

/**
 * Answers every call that arrives on `port`, each as it comes (calls run concurrently, as the
 * scan makes them), with registries made by `open`.
 *
 * @example
 * ```ts
 * import { parentPort } from 'node:worker_threads';
 * serveRegistries(parentPort as RegistryPort, createMemberRegistry);
 * ```
 */
export function serveRegistries(port: RegistryPort, open: OpenMemberRegistry): void {
  const registries = new Map<number, MemberRegistry>();
  const registry = (handle: number): MemberRegistry => {
    const found = registries.get(handle);
    if (!found) throw new Error(`no open registry ${handle} in this scan thread`);
    return found;
  };
  port.on('message', (call) => {
    answer(call, registries, registry, open).then(
      (value) => port.postMessage({ id: call.id, value }),
      (error: unknown) =>
        port.postMessage({
          id: call.id,
          error: messageOf(error),
          ...(error instanceof PagesThenError ? { value: error.pages } : {}),
        }),
    );
  });
}

async function answer(
  call: RegistryCall,
  registries: Map<number, MemberRegistry>,
  registry: (handle: number) => MemberRegistry,
  open: OpenMemberRegistry,
): Promise<unknown> {
  switch (call.op) {
    case 'open': {
      const { account, region, roleName } = call;
      const opened = await open({ account, region, roleName });
      registries.set(call.handle, opened);
      return opened.roleArn;
    }
    case 'templatePages':
      return readTemplatePages(registry(call.handle));
    case 'listRepositories':
      return registry(call.handle).listRepositories();
    case 'listTags':
      return registry(call.handle).listTags(call.repositoryName);
    case 'destroy':
      registries.get(call.handle)?.destroy();
      registries.delete(call.handle);
      return undefined;
  }
}

/** The pages read before a failure, carried with it. */
class PagesThenError extends Error {
  readonly pages: RegistryTemplatePage[];

  constructor(pages: RegistryTemplatePage[], cause: unknown) {
    super(messageOf(cause), { cause });
    this.pages = pages;
  }
}

/** Every template page, or those read before a failure with it (the port's promise). */
async function readTemplatePages(registry: Registry): Promise<RegistryTemplatePage[]> {
  const pages: RegistryTemplatePage[] = [];
  try {
    for await (const page of registry.templatePages()) pages.push(page);
  } catch (error) {
    throw new PagesThenError(pages, error);
  }
  return pages;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
