/**
 * `ecr-tag-auditor replay`: `--state`: the ledger kept across runs in a state file (docs/intake.md, docs/ledger.md, docs/findings.md,
 * docs/cli.md), run in-process through `main` with a fake terminal, on inputs built from the AWS
 * documentation samples.
 */
import { lstatSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../../lib/cli/main.ts';
import { ACCOUNT } from '../../support/account.ts';
import { digest } from '../../support/digest.ts';
import { eventUuid } from '../../support/uuid.ts';
import {
  ecrConfig,
  fakeIO,
  linesOf,
  ndjson,
  parseFindings,
  putMutability,
  REGION,
  reEscape,
  specPolicy,
  tempDir,
  write,
} from '../support.ts';
import { prepare, push, remove, replay, replayJson } from './support.ts';

/** A live tag record at `digest(1)`, as a run writes it. */
function tagRecord() {
  return {
    entries: [
      {
        kind: 'push',
        digest: digest(1),
        time: '2025-07-24T00:00:00.000Z',
        eventId: eventUuid('ia-PUSH-web-v1-0'),
        superseded: null,
      },
    ],
    floor: null,
  };
}

/** A drift finding, as a run stores it on a configuration record. */
function storedFinding() {
  return {
    id: 'config-drift-686ca695fee81c447db0',
    kind: 'CONFIG_DRIFT',
    severity: 'HIGH',
    account: ACCOUNT,
    region: REGION,
    repository: 'web',
    templatePrefix: null,
    tag: null,
    previousDigest: null,
    digest: null,
    viaDelete: null,
    expected: { imageTagMutability: 'IMMUTABLE', imageTagMutabilityExclusionFilters: [] },
    actual: { imageTagMutability: 'MUTABLE', imageTagMutabilityExclusionFilters: [] },
    direction: 'LOOSENED',
    witnesses: ['v1'],
    actor: null,
    eventId: 'ct-1',
    eventTime: '2025-07-24T00:00:00.000Z',
    detectedBy: 'event',
    message: 'Repository web is loosened.',
  };
}

/** A state file's text with one repository, `web`, whose fields `fields` replace. */
function stateWith(fields: Record<string, unknown>): string {
  const repository = {
    account: ACCOUNT,
    region: REGION,
    repository: 'web',
    config: null,
    configTime: null,
    drift: null,
    eventId: null,
    finding: null,
    tags: { v1: tagRecord() },
    ...fields,
  };
  return JSON.stringify({ version: 2, repositories: [repository], templates: [] });
}

describe('replay --state', () => {
  it('reads a version 1 file (before tag histories): each tag as its content, and saves version 2', async () => {
    // Prepare: a file as the previous release wrote it, v1 at digest 1.
    const dir = tempDir();
    const policy = specPolicy(dir);
    const state = write(
      dir,
      'state.json',
      JSON.stringify({
        version: 1,
        repositories: [
          {
            account: ACCOUNT,
            region: REGION,
            repository: 'web',
            config: null,
            configTime: null,
            drift: null,
            eventId: null,
            finding: null,
            tags: {
              v1: {
                digest: digest(1),
                deleted: false,
                time: '2025-07-24T00:00:00.000Z',
                recent: [],
                eventId: null,
                movedFrom: null,
                viaDelete: false,
                prevTime: null,
              },
            },
          },
        ],
        templates: [],
      }),
    );
    const second = write(dir, 'second.ndjson', ndjson([push('web', 'v1', 2, 60)]));
    // Act
    const run = await replayJson(policy, [second], ['--state', state]);
    // Assess
    expect(run.code).toBe(0);
    expect(run.findings).toMatchObject([{ previousDigest: digest(1), digest: digest(2) }]);
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({ version: 2 });
  });

  it('a second run sees the overwrite of a tag pushed in the first', async () => {
    // Prepare
    const dir = tempDir();
    const policy = specPolicy(dir);
    const state = join(dir, 'state.json');
    const first = write(dir, 'first.ndjson', ndjson([push('web', 'v1', 1, 0)]));
    const second = write(dir, 'second.ndjson', ndjson([push('web', 'v1', 2, 60)]));
    // Act
    const run1 = await replayJson(policy, [first], ['--state', state]);
    const saved = JSON.parse(readFileSync(state, 'utf8'));
    const run2 = await replayJson(policy, [second], ['--state', state]);
    const withoutState = await replayJson(policy, [second]);
    // Assess
    expect(run1.code).toBe(0);
    expect(run1.findings).toEqual([]);
    expect(saved).toMatchObject({
      version: 2,
      repositories: [
        {
          account: ACCOUNT,
          region: REGION,
          repository: 'web',
          tags: {
            v1: { entries: [{ kind: 'push', digest: digest(1), superseded: null }], floor: null },
          },
        },
      ],
      templates: [],
    });
    expect(run2.code).toBe(0);
    expect(run2.findings).toMatchObject([
      { kind: 'TAG_OVERWRITE_VIOLATION', tag: 'v1', previousDigest: digest(1), digest: digest(2) },
    ]);
    expect(withoutState.findings).toEqual([]);
  });

  it('keeps tombstones and drift across runs', async () => {
    // Prepare: run 1 deletes v1 and loosens payments; run 2 re-pushes v1 and fixes payments
    const dir = tempDir();
    const policy = specPolicy(dir);
    const state = join(dir, 'state.json');
    const first = write(
      dir,
      '1.ndjson',
      ndjson([
        push('web', 'v1', 1, 0),
        remove('web', 'v1', 1, 1),
        putMutability({ repository: 'payments', minutes: 2 }, ecrConfig('MUTABLE')),
      ]),
    );
    const second = write(
      dir,
      '2.ndjson',
      ndjson([
        push('web', 'v1', 2, 3),
        putMutability({ repository: 'payments', minutes: 4 }, ecrConfig('IMMUTABLE')),
      ]),
    );
    // Act
    const run1 = await replayJson(policy, [first], ['--state', state]);
    const run2 = await replayJson(policy, [second], ['--state', state]);
    // Assess
    expect(run1.findings.map((f) => f.kind)).toEqual(['CONFIG_DRIFT']);
    expect(run2.findings.map((f) => [f.kind, f.viaDelete])).toEqual([
      ['TAG_OVERWRITE_VIOLATION', true],
      ['CONFIG_DRIFT_RESOLVED', null],
    ]);
  });

  it('replaying the same input twice with a state finds nothing new the second time', async () => {
    const { dir, policy, input } = prepare();
    const state = join(dir, 'state.json');
    const run1 = await replayJson(policy, [input], ['--state', state]);
    const run2 = await replayJson(policy, [input], ['--state', state]);
    expect(run1.findings.length).toBe(5);
    // Redelivered events report their findings again with the same ids, or nothing.
    const firstIds = new Set(run1.findings.map((f) => f.id));
    for (const f of run2.findings) expect(firstIds.has(f.id)).toBe(true);
  });

  it('writes the state atomically: a new file replaces the old, no temporary is left', async () => {
    // Prepare: an existing state file
    const dir = tempDir();
    const policy = specPolicy(dir);
    const state = join(dir, 'state.json');
    await replayJson(
      policy,
      [write(dir, '1.ndjson', ndjson([push('web', 'v1', 1, 0)]))],
      ['--state', state],
    );
    const before = statSync(state).ino;
    // Act
    const run = await replayJson(
      policy,
      [write(dir, '2.ndjson', ndjson([push('web', 'v2', 1, 1)]))],
      ['--state', state],
    );
    // Assess: renamed over (a new inode), valid JSON, and nothing else beside it
    expect(run.code).toBe(0);
    expect(statSync(state).ino).not.toBe(before);
    const saved = JSON.parse(readFileSync(state, 'utf8'));
    expect(Object.keys(saved.repositories[0].tags).sort()).toEqual(['v1', 'v2']);
    expect(
      readdirSync(dir)
        .filter((f) => f.includes('state'))
        .sort(),
    ).toEqual(['state.json']);
  });

  it.each([
    ['not JSON', '{\n  "version": 1,\n  oops\n}\n', /not JSON/],
    ['JSON of another shape', '{"version": 3, "repositories": [], "templates": []}', /version/],
    [
      'a tag record missing its digest',
      JSON.stringify({
        version: 1,
        repositories: [
          {
            account: ACCOUNT,
            region: REGION,
            repository: 'web',
            config: null,
            configTime: null,
            drift: null,
            eventId: null,
            finding: null,
            tags: { v1: { deleted: false } },
          },
        ],
        templates: [],
      }),
      /repositories\.0\.tags\.v1\.digest/,
    ],
    [
      'a stored finding whose severity is garbage',
      stateWith({ finding: { ...storedFinding(), severity: 'SEVERE' } }),
      /repositories\.0\.finding\.severity/,
    ],
    [
      'a tag key that is not an image tag',
      stateWith({ tags: { 'not a tag': tagRecord() } }),
      /repositories\.0\.tags: key "not a tag" is not a valid image tag/,
    ],
    [
      'a time that is not canonical',
      stateWith({
        tags: {
          v1: {
            ...tagRecord(),
            entries: [{ ...tagRecord().entries[0], time: '2025-07-24T00:05:00Z' }],
          },
        },
      }),
      /repositories\.0\.tags\.v1\.entries\.0\.time: not a canonical UTC time/,
    ],
    [
      'two entries for one repository',
      JSON.stringify({
        ...JSON.parse(stateWith({})),
        repositories: [
          JSON.parse(stateWith({})).repositories[0],
          JSON.parse(stateWith({})).repositories[0],
        ],
      }),
      /repositories\.1: a second entry for the same name/,
    ],
  ])(
    'a corrupt state file (%s) is exit 2 with one line naming it, and is left alone',
    async (_, content, reason) => {
      // Prepare
      const { dir, policy, input } = prepare();
      const state = write(dir, 'state.json', content);
      const snapshot = write(dir, 'repositories.json', '{"repositories": [');
      // Act: a missing input and a broken snapshot too, which alone would be exit 3
      const run = await replay([
        '--policy',
        policy,
        '--state',
        state,
        '--repositories',
        snapshot,
        input,
        join(dir, 'missing'),
      ]);
      // Assess
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      const lines = linesOf(run.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(state);
      expect(lines[0]).toMatch(reason);
      expect(run.stderr).not.toMatch(/^\s+at /m);
      expect(readFileSync(state, 'utf8')).toBe(content);
    },
  );

  it('a state file that cannot be written is exit 2 with one line', async () => {
    const { dir, policy, input } = prepare();
    const state = join(dir, 'no-such-dir', 'state.json');
    const run = await replay(['--policy', policy, '--state', state, input]);
    expect(run.code).toBe(2);
    expect(linesOf(run.stderr).filter((l) => l.includes(state))).toHaveLength(1);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('replay --state with names that are Object.prototype members', () => {
  // Valid OCI tags, and repository names ECR allows (`__proto__` is not one: it starts with `_`).
  const TAGS = ['__proto__', 'constructor', 'prototype'];
  const REPOSITORIES = ['web', 'constructor', 'prototype'];

  it('keeps tags named __proto__, constructor and prototype, so their overwrites are reported next run', async () => {
    // Prepare: run 1 pushes each tag in each repository; run 2 moves every one of them
    const dir = tempDir();
    const policy = specPolicy(dir);
    const state = join(dir, 'state.json');
    const pairs = REPOSITORIES.flatMap((repository) => TAGS.map((tag) => ({ repository, tag })));
    const first = write(
      dir,
      '1.ndjson',
      ndjson(pairs.map(({ repository, tag }) => push(repository, tag, 1, 0))),
    );
    const second = write(
      dir,
      '2.ndjson',
      ndjson(pairs.map(({ repository, tag }) => push(repository, tag, 2, 5))),
    );
    // Act
    const run1 = await replayJson(policy, [first], ['--state', state]);
    const run2 = await replayJson(policy, [second], ['--state', state]);
    // Assess: every tag survived the round trip, and every move is an overwrite
    expect(run1.code).toBe(0);
    expect(run1.findings).toEqual([]);
    expect(run2.code).toBe(0);
    expect(
      run2.findings.map((f) => `${f.repository}:${f.tag} ${f.previousDigest} → ${f.digest}`).sort(),
    ).toEqual(
      pairs.map(({ repository, tag }) => `${repository}:${tag} ${digest(1)} → ${digest(2)}`).sort(),
    );
    expect(Object.prototype).not.toHaveProperty('digest');
  });
});

describe('replay --state and a planted symlink', () => {
  it('never writes through a symlink planted where the temporary file used to be ({state}.{pid}.tmp)', async () => {
    // Prepare: a file the attacker wants overwritten, linked from the old, predictable name
    const { dir, policy, input } = prepare();
    const state = join(dir, 'state.json');
    const victim = write(dir, 'victim.txt', 'precious\n');
    symlinkSync(victim, `${state}.${process.pid}.tmp`);
    // Act
    const run = await replay(['--policy', policy, '--state', state, input]);
    // Assess: the target is untouched, the state saved, the link left where it was
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(run.code).toBe(0);
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({ version: 2 });
    expect(lstatSync(`${state}.${process.pid}.tmp`).isSymbolicLink()).toBe(true);
  });
});

describe('two runs on one --state file', () => {
  /**
   * A replay of stdin started in-process, and a way to feed it: `reading` resolves once the run
   * has loaded its state and pulls its input, `finish` gives it `events` and ends its stdin.
   */
  function startReplayOfStdin(args: string[]) {
    let reading: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      reading = resolve;
    });
    const stdin = new Readable({ read: () => reading() });
    const io = { ...fakeIO(), stdin };
    const done = main(['replay', ...args, '-'], io).then((code) => ({
      code,
      stdout: io.out(),
      stderr: io.err(),
    }));
    const finish = (events: readonly unknown[]) => {
      stdin.push(ndjson(events));
      stdin.push(null);
      return done;
    };
    return { reading: started, finish };
  }

  it.each([
    ['an existing state file', true],
    ['no state file yet', false],
  ])(
    "with %s: run A starts, run B completes, then A fails loudly and B's update is kept",
    async (_, existing) => {
      // Prepare
      const dir = tempDir();
      const policy = specPolicy(dir);
      const state = join(dir, 'state.json');
      if (existing) {
        await replayJson(
          policy,
          [write(dir, '0.ndjson', ndjson([push('web', 'v0', 1, 0)]))],
          ['--state', state],
        );
      }
      const a = startReplayOfStdin(['--policy', policy, '--format', 'json', '--state', state]);
      await a.reading;
      // Act: B runs from start to end while A is still reading its input
      const b = await replayJson(
        policy,
        [write(dir, 'b.ndjson', ndjson([push('web', 'v1', 1, 1)]))],
        ['--state', state],
      );
      const savedByB = readFileSync(state, 'utf8');
      const runA = await a.finish([push('web', 'v2', 1, 2), push('web', 'v2', 2, 3)]);
      // Assess: B saved; A printed its findings, then refused to save over B's state (exit 2)
      expect(b.code).toBe(0);
      expect(runA.code).toBe(2);
      expect(parseFindings(runA.stdout)).toMatchObject([
        { kind: 'TAG_OVERWRITE_VIOLATION', tag: 'v2' },
      ]);
      const errors = linesOf(runA.stderr).filter((l) => !l.startsWith('ecr-tag-auditor: read '));
      expect(errors).toEqual([
        expect.stringMatching(
          new RegExp(`^ecr-tag-auditor: ${reEscape(state)}: changed since this run read it`),
        ),
      ]);
      expect(readFileSync(state, 'utf8')).toBe(savedByB);
      expect(Object.keys(JSON.parse(savedByB).repositories[0].tags)).toContain('v1');
    },
  );

  it('a lock left beside the state file is exit 2 naming it and how to remove it; the state is left alone', async () => {
    // Prepare
    const { dir, policy, input } = prepare();
    const state = write(dir, 'state.json', '{"version": 1, "repositories": [], "templates": []}\n');
    const lock = write(dir, 'state.json.lock', '');
    // Act
    const run = await replayJson(policy, [input], ['--state', state]);
    // Assess: findings printed, then one line about the lock
    expect(run.code).toBe(2);
    expect(parseFindings(run.stdout).length).toBeGreaterThan(0);
    const errors = linesOf(run.stderr).filter((l) => !l.startsWith('ecr-tag-auditor: read '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`${lock} exists`);
    expect(errors[0]).toContain(`remove ${lock}`);
    expect(readFileSync(state, 'utf8')).toBe(
      '{"version": 1, "repositories": [], "templates": []}\n',
    );
  });
});
