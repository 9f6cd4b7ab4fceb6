/**
 * What reaches Slack and the logs, under hostile input.
 *
 * - Everything user-controlled that reaches a chat message (repository names, tags, actor ARNs,
 *   event ids, messages, exclusion filters, witnesses, scan failures) is inert in client-markdown:
 *   no mention (`<!channel>`, `<!here>`, `<@U…>`), no link (`<http…|x>`, `[x](y)`), no formatting
 *   (`*bold*`, `_italic_`, `~strike~`, code) in the title, the description, the next steps, the
 *   summary or the keywords — checked on the renderer with arbitrary findings, and end to end
 *   through auditEvent with hostile CloudTrail records.
 * - Nothing secret or personal beyond the actor ARN reaches the RuntimeLog or the SNS messages:
 *   access key ids, session details, source IPs, user agents, manifests, whatever their value.
 *   (The built bundles with Powertools: build.test.ts.)
 */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MutabilityConfig } from '../../lib/core/model/config.ts';
import type { Finding } from '../../lib/core/model/findings.ts';
import type { ScanReport } from '../../lib/core/scan/scan.ts';
import { type ChatNotification, renderChatNotification } from '../../lib/render/chat.ts';
import { renderScanSummary } from '../../lib/render/summary.ts';
import { auditEvent } from '../../lib/runtime/audit-event.ts';
import { hostileFinding, hostileText, sampleFinding } from '../alerts/findings.ts';
import { policy } from '../aws/support.ts';
import { SAMPLE } from '../runtime/support.ts';
import { DEV_MUTABLE_POLICY } from '../support/policies.ts';
import { FIXED_SECRETS, type Secrets, secretBearingEvents, secretPutImage } from './secrets.ts';
import { type Harness, startHarness, tagMutabilityChange } from './support.ts';

/**
 * Plain text (title, summary, keywords): nothing that opens a mention, a link, a code span or
 * a line, no `*` or `~`, and `_` only inside a word (where neither Slack nor Markdown reads it).
 */
function expectInertPlain(text: string): void {
  expect(text, JSON.stringify(text)).not.toMatch(/[<>[\]`*~\r\n\u2028\u2029]/);
  expectNoControls(text);
  expect(text, JSON.stringify(text)).not.toMatch(/(^|[^\p{L}\p{N}])_|_($|[^\p{L}\p{N}])/u);
}

/** No control character, and no invisible mark or override that changes the text's direction. */
const CONTROLS = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
function expectNoControls(text: string): void {
  expect(text.replace(/\n/g, ''), JSON.stringify(text)).not.toMatch(CONTROLS);
}

/** Text with code spans: outside them, inert plain text (our own `*SEVERITY*` aside). */
function expectInertMarkdown(text: string): void {
  expectNoControls(text);
  for (const line of text.split('\n')) {
    expect(
      (line.match(/`/g) ?? []).length % 2,
      `unbalanced code span in ${JSON.stringify(line)}`,
    ).toBe(0);
    const outside = line
      .replace(/`[^`\r\n]*`/g, '')
      .replace(/^:[a-z_]+: \*(INFO|LOW|MEDIUM|HIGH)\* /, '');
    expectInertPlain(outside);
    expect(outside).not.toMatch(/[@&|]/);
  }
}

function expectInertNotification(n: ChatNotification): void {
  expectInertPlain(n.content.title);
  expectInertPlain(n.metadata?.summary ?? '');
  for (const keyword of n.content.keywords ?? []) expectInertPlain(keyword);
  expectInertMarkdown(n.content.description);
  for (const step of n.content.nextSteps ?? []) expectInertMarkdown(step);
}

/** Filters as a user may set them (ECR's alphabet, `*` and `_` included; at most two `*`). */
const filterText = fc
  .stringMatching(/^[0-9a-zA-Z._*-]{1,12}$/)
  .filter((f) => (f.match(/\*/g) ?? []).length <= 2);
const config: fc.Arbitrary<MutabilityConfig> = fc
  .array(filterText, { minLength: 1, maxLength: 5 })
  .map((filters) => ({
    imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' as const,
    imageTagMutabilityExclusionFilters: filters.map((filter) => ({
      filterType: 'WILDCARD' as const,
      filter,
    })),
  }));
/** Names as intake accepts them, with the underscores and dots that could format. */
const tagText = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,20}$/);
const repositoryText = fc.stringMatching(/^[a-z0-9_]{1,6}([._/-]{1,2}[a-z0-9_]{1,6}){0,3}$/);

describe('the chat message of any finding is inert', () => {
  it('hostile text, filters and names in every field: title, description, next steps, summary, keywords', () => {
    fc.assert(
      fc.property(
        hostileFinding,
        fc.option(config, { nil: null }),
        fc.option(config, { nil: null }),
        fc.array(fc.oneof(tagText, hostileText(3)), { maxLength: 5 }),
        fc.oneof(tagText, hostileText(4)),
        fc.oneof(repositoryText, hostileText(4)),
        (f, expected, actual, witnesses, tag, repository) => {
          const variants: Finding[] = [
            f,
            { ...f, expected, actual, witnesses },
            { ...f, tag, repository, account: `<!here>${f.account}`, region: `*${f.region}*` },
          ];
          for (const finding of variants) expectInertNotification(renderChatNotification(finding));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('the classic payloads, in names a user can really choose', () => {
    const f = sampleFinding('CONFIG_DRIFT', {
      repository: 'team_a/__init__',
      tag: '_release_',
      actual: {
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [
          { filterType: 'WILDCARD', filter: '*bold*' },
          { filterType: 'WILDCARD', filter: '_x_' },
        ],
      },
      witnesses: ['_a_', 'b*'],
      message:
        'Repository team_a/__init__ is loosened: IMMUTABLE_WITH_EXCLUSION [*bold*, _x_] ~gone~',
    });
    const n = renderChatNotification(f);
    expectInertNotification(n);
    // The names stay readable, and exact inside the description's code spans.
    expect(n.content.title).toContain('team_a/');
    expect(n.content.description).toContain('`team_a/__init__`');
    expect(n.content.description).toContain('`IMMUTABLE_WITH_EXCLUSION [*bold*, _x_]`');
  });

  it('the scan summary: hostile repository names and errors stay in code spans', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ repository: hostileText(4), error: hostileText(8) }), {
          maxLength: 6,
        }),
        fc.array(hostileFinding, { maxLength: 6 }),
        fc.option(hostileText(4), { nil: null }),
        (failures, findings, resumeAfter) => {
          const report: ScanReport = {
            account: SAMPLE.account,
            region: SAMPLE.region,
            startedAt: '2025-07-24T06:00:00.000Z',
            finishedAt: '2025-07-24T06:01:00.000Z',
            repositories: 3,
            covered: resumeAfter === null ? 3 : 2,
            resumeAfter,
            ignored: 0,
            templates: 0,
            tags: 3,
            findings: findings.map((finding) => ({ finding, delivery: 'recurring' })),
            failures,
          };
          for (const part of renderScanSummary(report)) {
            const n = JSON.parse(part.message) as ChatNotification;
            expectInertPlain(n.content.title);
            for (const line of n.content.description.split('\n')) {
              expectInertMarkdown(line.replace(/^• (INFO|LOW|MEDIUM|HIGH) [A-Z_]+ /, '• '));
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

const POLICY = policy(DEV_MUTABLE_POLICY);

let h: Harness;
beforeAll(async () => {
  h = await startHarness(POLICY);
});
afterAll(() => h.close());
beforeEach(() => h.reset());

function notifications(): ChatNotification[] {
  return h.sns.published.map((m) => JSON.parse(m.message) as ChatNotification);
}

let runs = 0;
describe('end to end: hostile CloudTrail records through auditEvent', () => {
  it('actor ARNs, event ids, names and filters chosen by an attacker alert inertly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .string({ unit: 'binary', minLength: 1, maxLength: 60 })
          .map((s) => `arn:aws:sts::1:${s}<!channel>`),
        fc.stringMatching(/^[!-~]{1,40}$/).map((s) => `${s}<@U1>[x](http://evil)`),
        tagText,
        fc.array(filterText, { minLength: 1, maxLength: 5 }),
        async (actor, eventId, tag, filters) => {
          h.reset();
          const repository = `sec/${++runs}_x`;
          const time = (m: number) => `2025-07-24T10:0${m}:00Z`;
          for (const [i, d] of [1, 2].entries()) {
            const event = secretPutImage(
              repository,
              tag,
              d,
              `${eventId}-${i}`,
              time(i),
              FIXED_SECRETS,
              actor,
            );
            await auditEvent(event, h.runtime);
          }
          await auditEvent(
            tagMutabilityChange(repository, 'IMMUTABLE_WITH_EXCLUSION', filters, {
              eventId: `${eventId}-cfg`,
              time: time(3),
              actor,
            }),
            h.runtime,
          );
          expect(h.telemetry.count('EventsMalformed')).toBe(0);
          const sent = notifications();
          // The overwrite, and the drift unless the filters happen to equal the policy's.
          expect(sent.length).toBeGreaterThanOrEqual(1);
          for (const n of sent) expectInertNotification(n);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('bad input end to end: control characters, direction overrides, numbers, __proto__', () => {
  /** Text built from what breaks logs, terminals and chat clients. */
  const nasty = fc
    .array(
      fc.oneof(
        fc.constantFrom(
          '\u0000',
          '\u001b[2J',
          '\r\n',
          '\t',
          '\u007f',
          '\u0085',
          '\u202e',
          '\u2066',
          '\u200f',
          '\u2028',
          '<!channel>',
          '`',
        ),
        fc.string({ unit: 'binary', maxLength: 6 }),
      ),
      { minLength: 1, maxLength: 8 },
    )
    .map((parts) => parts.join(''));
  const anywhere = [
    'account',
    'region',
    'time',
    'id',
    'detail.eventID',
    'detail.eventTime',
    'detail.userIdentity.arn',
    'detail.requestParameters.repositoryName',
    'detail.requestParameters.imageTag',
    'detail.responseElements.image.imageId.imageTag',
    'detail.responseElements.image.imageId.imageDigest',
  ] as const;

  function set(event: Record<string, unknown>, path: string, value: unknown): void {
    const keys = path.split('.');
    let node = event;
    for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
    node[keys.at(-1) as string] = value;
  }

  it('never throws, never changes a prototype, and whatever is alerted is inert', async () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const outcomes = new Map<string, number>();
    let alerted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...anywhere),
        fc.oneof(
          nasty,
          fc.integer(),
          fc.double(),
          fc.boolean(),
          fc.constant(null),
          fc.constant(
            JSON.parse(
              '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
            ),
          ),
        ),
        nasty,
        async (path, value, actorValue) => {
          h.reset();
          const repository = `bad/${++runs}`;
          const push = secretPutImage(repository, 'v1', 1, `bad-${runs}-1`, '2025-07-24T10:00:00Z');
          const overwrite = secretPutImage(
            repository,
            'v1',
            2,
            `bad-${runs}-2`,
            '2025-07-24T10:01:00Z',
          );
          set(overwrite, 'detail.userIdentity.arn', `arn:aws:sts::1:${actorValue}`);
          set(overwrite, path, value);
          await auditEvent(push, h.runtime);
          const outcome = await auditEvent(JSON.parse(JSON.stringify(overwrite)), h.runtime);
          expect(['audited', 'malformed', 'skipped']).toContain(outcome.status);
          outcomes.set(outcome.status, (outcomes.get(outcome.status) ?? 0) + 1);
          alerted += notifications().length;
          for (const n of notifications()) expectInertNotification(n);
          for (const m of h.sns.published) expect(m.subject ?? '').toMatch(/^[\x20-\x7e]*$/);
        },
      ),
      { numRuns: 60 },
    );
    // Both kinds of run happened: rejected events, and alerts carrying the nasty actor.
    expect(outcomes.get('malformed')).toBeGreaterThan(0);
    expect(alerted).toBeGreaterThan(0);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('nothing secret or personal reaches the RuntimeLog or SNS', () => {
  const secretText = fc.stringMatching(/^[A-Za-z0-9+/=@.:-]{12,24}$/).map((s) => `S3CR3T${s}`);
  const secrets: fc.Arbitrary<Secrets> = fc.record({
    accessKeyId: secretText,
    principal: secretText,
    email: secretText.map((s) => `${s}@example.com`),
    issuer: secretText,
    sourceIp: fc.ipV4(),
    userAgent: secretText,
    manifestMarker: secretText,
  });

  it('for any secret values, over pushes, overwrites, malformed and foreign records, and a failed delivery', async () => {
    await fc.assert(
      fc.asyncProperty(secrets, async (s) => {
        h.reset();
        const events = secretBearingEvents(`leak/${++runs}`, s);
        for (const event of [
          events.push,
          events.overwrite,
          events.overwrite,
          events.malformed,
          events.notEcr,
        ]) {
          await auditEvent(event, h.runtime);
        }
        h.sns.inject(
          'Publish',
          { kind: 'error', code: 'InternalError', status: 500 },
          { kind: 'error', code: 'InternalError', status: 500 },
          { kind: 'error', code: 'InternalError', status: 500 },
        );
        await expect(auditEvent(events.overwriteAgain, h.runtime)).rejects.toThrow();
        await auditEvent(events.overwriteAgain, h.runtime);
        expect(h.sns.published).toHaveLength(2);
        const logged = JSON.stringify(h.telemetry.logs);
        expect(logged).toContain('Dropped a malformed event');
        expect(logged).toContain('Alert delivery failed');
        const sent = JSON.stringify(h.sns.published);
        for (const secret of Object.values(s)) {
          expect(logged).not.toContain(secret);
          expect(sent).not.toContain(secret);
        }
        expect(sent).toContain(events.actor);
      }),
      { numRuns: 15 },
    );
  });
});
