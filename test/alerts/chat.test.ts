/**
 * Finding alerts: Amazon Q Developer custom notifications inside an SNS `MessageStructure: json`
 * message (docs/alerts.md), and what SNS accepts (subject, size, attributes).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FINDING_KINDS, type Finding } from '../../lib/core/model/findings.ts';
import {
  type ChatNotification,
  chatLiteral,
  renderAlert,
  renderChatNotification,
  SNS_LIMITS,
  snsSubject,
} from '../../lib/render/chat.ts';
import { ACCOUNT } from '../support/account.ts';
import { digest } from '../support/digest.ts';
import { hostileFinding, hostileText, REGION, sampleFinding } from './findings.ts';

/** What SNS accepts as a Subject (the fake SNS checks the same). */
const SNS_SUBJECT = /^[\x21-\x7e][\x20-\x7e]{0,99}$/;
/** An unpaired UTF-16 surrogate (with the `u` flag, only lone ones match). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Bytes SNS counts against its limit: the message plus attribute names, types and values. */
function snsBytes(alert: ReturnType<typeof renderAlert>): number {
  let bytes = Buffer.byteLength(alert.message);
  for (const [name, value] of Object.entries(alert.messageAttributes)) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType);
    bytes += Buffer.byteLength(value.StringValue);
  }
  return bytes;
}

/**
 * The text of a line outside its code spans. A code span as chatLiteral writes it is a backtick,
 * then anything but a backtick or a line break, then a backtick; an odd backtick would open a
 * span that swallows the rest, so it fails the test.
 */
function outsideCodeSpans(line: string): string {
  expect(
    (line.match(/`/g) ?? []).length % 2,
    `unbalanced backticks in ${JSON.stringify(line)}`,
  ).toBe(0);
  return line.replace(/`[^`\r\n]*`/g, '');
}

/** A `<` or `>`, or an `&` that does not start one of Slack's three escapes. */
const UNESCAPED = /[<>]|&(?!(?:amp|lt|gt);)/;
/** A format character (Unicode category Cf) or anything in the tag block U+E0000–U+E007F. */
const INVISIBLE = /[\p{Cf}\u{E0000}-\u{E007F}]/u;

/** Characters that could mention, link, quote or break a line when outside a code span. */
const ACTIVE = /[<>[\]@&|\r\n\u2028\u2029]/;

describe('renderChatNotification: the Amazon Q Developer custom notification', () => {
  it.each(FINDING_KINDS)('follows the custom-notification schema for %s', (kind) => {
    const f = sampleFinding(kind);
    const n = renderChatNotification(f);
    expect(n.version).toBe('1.0');
    expect(n.source).toBe('custom');
    expect(n.id).toBe(f.id);
    expect(n.content.textType).toBe('client-markdown');
    expect(typeof n.content.title).toBe('string');
    expect(n.content.title.length).toBeGreaterThan(0);
    expect(n.content.description).toContain(chatLiteral(f.message));
    expect(n.content.nextSteps?.every((s) => typeof s === 'string')).toBe(true);
    expect(n.content.keywords?.every((s) => typeof s === 'string')).toBe(true);
    const context = n.metadata?.additionalContext ?? {};
    expect(Object.values(context).every((v) => typeof v === 'string')).toBe(true);
    expect(context).toMatchObject({ findingId: f.id, kind, severity: f.severity });
    expect(n.metadata?.eventType).toBe(kind);
    // Nothing beyond the schema's keys (Q Developer drops what it cannot read).
    expect(Object.keys(n).sort()).toEqual(['content', 'id', 'metadata', 'source', 'version']);
    expect(Object.keys(n.content).sort()).toEqual(
      ['description', 'keywords', 'nextSteps', 'textType', 'title'].sort(),
    );
    expect(
      Object.keys(n.metadata ?? {}).every((k) =>
        ['threadId', 'summary', 'eventType', 'relatedResources', 'additionalContext'].includes(k),
      ),
    ).toBe(true);
  });

  it('threads alerts per account, region, repository and tag', () => {
    const thread = (f: Finding) => renderChatNotification(f).metadata?.threadId;
    const first = sampleFinding('TAG_OVERWRITE_VIOLATION');
    const again = sampleFinding('TAG_OVERWRITE_VIOLATION', {
      id: 'other-id',
      previousDigest: digest(2),
      digest: digest(3),
    });
    const blocked = sampleFinding('OVERWRITE_BLOCKED');
    expect(thread(first)).toBe(`${ACCOUNT}/${REGION}/payments/api:v1.2.3`);
    expect(thread(again)).toBe(thread(first));
    expect(thread(blocked)).toBe(thread(first));
    expect(thread(sampleFinding('TAG_OVERWRITE_VIOLATION', { tag: 'v2' }))).not.toBe(thread(first));
    expect(thread(sampleFinding('TAG_OVERWRITE_VIOLATION', { repository: 'other' }))).not.toBe(
      thread(first),
    );
    expect(thread(sampleFinding('TAG_OVERWRITE_VIOLATION', { region: 'us-east-1' }))).not.toBe(
      thread(first),
    );
  });

  it('tells a person what happened and what to do about an overwrite', () => {
    const f = sampleFinding('TAG_OVERWRITE_VIOLATION', { viaDelete: true });
    const n = renderChatNotification(f);
    expect(n.content.title).toBe('Immutable image tag overwritten: payments/api:v1.2.3');
    expect(n.content.description.split('\n')).toEqual(
      expect.arrayContaining([
        `• Previous digest: \`${digest(1)}\``,
        `• Digest: \`${digest(2)}\``,
        `• Actor: \`${f.actor}\``,
      ]),
    );
    expect(n.content.nextSteps?.join('\n')).toContain(`\`${f.actor}\``);
    expect(n.content.nextSteps?.join('\n')).toContain('ecr:BatchDeleteImage');
    expect(n.metadata?.relatedResources).toEqual([
      `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/payments/api`,
    ]);
  });

  it('names the repository ARN in the partition of its region', () => {
    const arn = (region: string) =>
      renderChatNotification(sampleFinding('TAG_OVERWRITE_VIOLATION', { region })).metadata
        ?.relatedResources?.[0];
    expect(arn('cn-north-1')).toBe(`arn:aws-cn:ecr:cn-north-1:${ACCOUNT}:repository/payments/api`);
    expect(arn('us-gov-west-1')).toBe(
      `arn:aws-us-gov:ecr:us-gov-west-1:${ACCOUNT}:repository/payments/api`,
    );
  });

  it('gives a drift the command that restores the policy, safe to paste into any shell', () => {
    const f = sampleFinding('CONFIG_DRIFT');
    const steps = renderChatNotification(f).content.nextSteps ?? [];
    const command = /`(aws ecr put-image-tag-mutability [^`]*)`/.exec(steps.join('\n'))?.[1];
    expect(command).toBeDefined();
    // zsh aborts on an unmatched glob and bash may expand one: every word with `*` is quoted.
    const words = shellWords(command ?? '');
    expect(words).toEqual([
      'aws',
      'ecr',
      'put-image-tag-mutability',
      '--region',
      REGION,
      '--registry-id',
      ACCOUNT,
      '--repository-name',
      'payments/api',
      '--image-tag-mutability',
      'IMMUTABLE_WITH_EXCLUSION',
      '--image-tag-mutability-exclusion-filters',
      'filterType=WILDCARD,filter=dev-*',
      'filterType=WILDCARD,filter=sha256-*',
    ]);
    for (const raw of (command ?? '').split(' ')) {
      if (raw.includes('*')) expect(raw).toMatch(/^'[^']*'$/);
    }
    const plain = renderChatNotification(
      sampleFinding('CONFIG_DRIFT', {
        expected: { imageTagMutability: 'IMMUTABLE', imageTagMutabilityExclusionFilters: [] },
      }),
    ).content.nextSteps?.join('\n');
    expect(plain).toContain(
      `\`aws ecr put-image-tag-mutability --region ${REGION} --registry-id ${ACCOUNT} --repository-name payments/api --image-tag-mutability IMMUTABLE\``,
    );
  });
});

/** Splits a command line as a POSIX shell does for plain words and single-quoted text. */
function shellWords(command: string): string[] {
  const words: string[] = [];
  for (const match of command.matchAll(/(?:'[^']*'|[^\s'])+/g)) {
    words.push(match[0].replace(/'([^']*)'/g, '$1'));
  }
  return words;
}

describe('renderAlert: the SNS message', () => {
  it('is one body for every subscriber: the notification, carrying the finding for machines', () => {
    const f = sampleFinding('TAG_OVERWRITE_VIOLATION');
    const alert = renderAlert(f);
    const notification = JSON.parse(alert.message) as ChatNotification;
    expect(notification).toEqual(renderChatNotification(f));
    expect(JSON.parse(notification.metadata?.additionalContext?.finding ?? '')).toEqual(f);
    expect(alert.subject).toBe('[HIGH] Immutable image tag overwritten: payments/api:v1.2.3');
    expect(alert.messageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'HIGH' },
      kind: { DataType: 'String', StringValue: 'TAG_OVERWRITE_VIOLATION' },
      findingId: { DataType: 'String', StringValue: f.id },
      account: { DataType: 'String', StringValue: ACCOUNT },
      repository: { DataType: 'String', StringValue: 'payments/api' },
    });
  });

  it('leaves out the repository attribute for a template finding', () => {
    const alert = renderAlert(sampleFinding('TEMPLATE_DRIFT'));
    expect(Object.keys(alert.messageAttributes).sort()).toEqual([
      'account',
      'findingId',
      'kind',
      'severity',
    ]);
    expect(alert.subject).toBe(
      '[HIGH] Creation template tag mutability drifted from policy: template payments',
    );
  });

  it('makes a Subject SNS accepts from any text', () => {
    fc.assert(
      fc.property(hostileText(40), (text) => {
        const subject = snsSubject(text);
        expect(subject).toMatch(SNS_SUBJECT);
        expect(subject.length).toBeLessThanOrEqual(SNS_LIMITS.subjectLength);
      }),
      { numRuns: 500 },
    );
    expect(snsSubject('x'.repeat(150))).toBe(`${'x'.repeat(97)}...`);
    expect(snsSubject(' \n\t ')).toMatch(SNS_SUBJECT);
  });

  it('stays within what SNS accepts for any finding: subject, size, attributes', () => {
    fc.assert(
      fc.property(hostileFinding, (f) => {
        const alert = renderAlert(f);
        expect(alert.subject).toMatch(SNS_SUBJECT);
        expect(snsBytes(alert)).toBeLessThanOrEqual(SNS_LIMITS.messageBytes);
        const attributes = Object.entries(alert.messageAttributes);
        expect(attributes.length).toBeLessThanOrEqual(SNS_LIMITS.messageAttributes);
        for (const [name, value] of attributes) {
          expect(name).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
          expect(value.StringValue.length).toBeGreaterThan(0);
        }
        expect(JSON.parse(alert.message)).toMatchObject({ version: '1.0', source: 'custom' });
      }),
      { numRuns: 300 },
    );
  });

  it('stays under 256 KB with every field at the longest intake accepts, in the worst escaping', () => {
    // Quotes, backslashes and control characters grow the most when JSON is nested in JSON.
    const worst = (n: number) => '"\\\u0001'.repeat(Math.ceil(n / 3)).slice(0, n);
    const f = sampleFinding('CONFIG_DRIFT', {
      repository: worst(256),
      tag: worst(128),
      previousDigest: worst(256),
      digest: worst(256),
      actor: worst(2048),
      eventId: worst(256),
      witnesses: Array.from({ length: 5 }, () => worst(128)),
      expected: {
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: Array.from({ length: 5 }, () => ({
          filterType: 'WILDCARD' as const,
          filter: '*'.repeat(128),
        })),
      },
      message: worst(4096),
    });
    const alert = renderAlert(f);
    expect(snsBytes(alert)).toBeLessThanOrEqual(SNS_LIMITS.messageBytes);
    expect(alert.subject).toMatch(SNS_SUBJECT);
  });
});

describe('user-controlled text cannot format, link, mention or break out', () => {
  const rendered = (f: Finding): ChatNotification => renderChatNotification(f);

  it('keeps every user-controlled value inside code spans in the description', () => {
    fc.assert(
      fc.property(hostileFinding, (f) => {
        const { description } = rendered(f).content;
        const lines = description.split('\n');
        // One line for the message, one per fact: user text never adds a line.
        expect(lines[0]).toMatch(/^:[a-z_]+: \*(INFO|LOW|MEDIUM|HIGH)\* `/);
        for (const line of lines.slice(1)) expect(line).toMatch(/^• [A-Za-z /]+: `/);
        for (const line of lines) {
          const outside = outsideCodeSpans(line);
          expect(outside, JSON.stringify(line)).not.toMatch(ACTIVE);
          expect(outside).not.toContain('<!');
        }
        expect(description).not.toMatch(/[\r\u2028\u2029]/);
        expect(description).not.toMatch(LONE_SURROGATE);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps next steps single lines with user text only inside code spans', () => {
    fc.assert(
      fc.property(hostileFinding, (f) => {
        for (const step of rendered(f).content.nextSteps ?? []) {
          expect(step).not.toMatch(/[\r\n\u2028\u2029]/);
          expect(outsideCodeSpans(step)).not.toMatch(/[<>[\]@&|]/);
          expect(step).not.toMatch(LONE_SURROGATE);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps title and summary plain: no mention, link, code or line break', () => {
    fc.assert(
      fc.property(hostileFinding, (f) => {
        const n = rendered(f);
        for (const text of [n.content.title, n.metadata?.summary ?? '']) {
          expect(text, JSON.stringify(text)).not.toMatch(/[<>[\]`\r\n\u2028\u2029]/);
          expect(text).not.toMatch(LONE_SURROGATE);
          expect([...text].length).toBeLessThanOrEqual(250);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('escapes the classic payloads in every field that shows them, inside code spans too', () => {
    const payload = '<!channel> <@U123> [x](http://evil) `code` *bold*\nsecond line & co';
    const f = sampleFinding('TAG_OVERWRITE_VIOLATION', {
      repository: payload,
      tag: payload,
      actor: payload,
      message: payload,
    });
    const n = rendered(f);
    // Slack parses <…> inside code spans too: & < > are escaped as Slack's formatting guide says.
    const literal =
      "`&lt;!channel&gt; &lt;@U123&gt; [x](http://evil) 'code' *bold* second line &amp; co`";
    expect(n.content.description.split('\n')[0]).toBe(`:rotating_light: *HIGH* ${literal}`);
    expect(n.content.description).toContain(`• Repository: ${literal}`);
    expect(n.content.description).toContain(`• Tag: ${literal}`);
    expect(n.content.description).toContain(`• Actor: ${literal}`);
    expect(n.content.nextSteps?.[0]).toContain(`(CloudTrail: ${literal})`);
    expect(n.metadata?.summary).toContain('&lt;!channel&gt; &lt;@U123&gt;');
  });

  it('shows invisible and format characters (Cf, the tag block) as U+FFFD', () => {
    const f = sampleFinding('TAG_OVERWRITE_VIOLATION', {
      message: 'a\u200bb\u2060c\u00add\u202ee\u{e0041}\u{e0000}f',
    });
    const n = rendered(f);
    expect(n.content.description.split('\n')[0]).toBe(
      `:rotating_light: *HIGH* \`a\ufffdb\ufffdc\ufffdd\ufffde\ufffd\ufffdf\``,
    );
    expect(n.metadata?.summary).toBe('a\ufffdb\ufffdc\ufffdd\ufffde\ufffd\ufffdf');
  });

  it('property: no raw <, > or & outside an escape, and no Cf character, in any text shown', () => {
    fc.assert(
      fc.property(hostileFinding, (f) => {
        const n = rendered(f);
        const shown = [
          n.content.title,
          n.content.description,
          ...(n.content.nextSteps ?? []),
          ...(n.content.keywords ?? []),
          n.metadata?.summary ?? '',
        ];
        for (const text of shown) {
          expect(text, JSON.stringify(text)).not.toMatch(UNESCAPED);
          expect(text, JSON.stringify(text)).not.toMatch(INVISIBLE);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('cuts long text on a character boundary', () => {
    const f = sampleFinding('TAG_OVERWRITE_VIOLATION', {
      actor: '🚨'.repeat(600),
      message: `x${'🚨'.repeat(600)}`,
      repository: 'é🚨'.repeat(200),
    });
    const n = rendered(f);
    for (const text of [n.content.description, n.content.title, n.metadata?.summary ?? '']) {
      expect(text).not.toMatch(LONE_SURROGATE);
    }
  });
});

describe('chatLiteral', () => {
  it('is one code span whatever the text', () => {
    fc.assert(
      fc.property(hostileText(30), (text) => {
        const literal = chatLiteral(text);
        expect(literal).toMatch(/^`[^`\r\n\u2028\u2029]*`$/);
        expect(literal).not.toMatch(LONE_SURROGATE);
      }),
      { numRuns: 500 },
    );
    expect(chatLiteral('dev-*')).toBe('`dev-*`');
    expect(chatLiteral('a`b\r\nc')).toBe("`a'b  c`");
    expect(chatLiteral('x'.repeat(600))).toBe(`\`${'x'.repeat(512)}\``);
  });

  it('escapes & < > inside the span and makes Cf characters visible, for any text', () => {
    fc.assert(
      fc.property(hostileText(30), (text) => {
        const literal = chatLiteral(text);
        expect(literal).not.toMatch(UNESCAPED);
        expect(literal).not.toMatch(INVISIBLE);
      }),
      { numRuns: 500 },
    );
    expect(chatLiteral('<!channel>&')).toBe('`&lt;!channel&gt;&amp;`');
  });
});
