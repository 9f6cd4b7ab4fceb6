/**
 * Alert messages for SNS, rendered for Slack and Teams through Amazon Q Developer in chat
 * applications (custom notifications, docs/alerts.md), with the finding itself for machine subscribers.
 *
 * @module
 */
import { repositoryArn } from '../core/model/arn.ts';
import { describeConfig } from '../core/model/config.ts';
import type { Finding } from '../core/model/findings.ts';
import { shorten } from '../core/model/text.ts';
import { putImageTagMutabilityRequest } from '../core/remediation/request.ts';
import { awsCliCommand } from './aws-cli.ts';
import { findingPlace, findingTitle } from './titles.ts';

/** SNS Publish limits (SNS API reference). */
export const SNS_LIMITS = {
  subjectLength: 100,
  messageBytes: 262_144,
  messageAttributes: 10,
} as const;

/** An Amazon Q Developer custom notification (schema version 1.0). */
export interface ChatNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id?: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps?: readonly string[];
    readonly keywords?: readonly string[];
  };
  readonly metadata?: {
    readonly threadId?: string;
    readonly summary?: string;
    readonly eventType?: string;
    readonly relatedResources?: readonly string[];
    readonly additionalContext?: Readonly<Record<string, string>>;
  };
}

/** What `sns:Publish` needs for one alert. */
export interface AlertMessage {
  readonly subject: string;
  /**
   * The `Message`, published with the String message structure (no `MessageStructure`): the
   * custom notification as JSON, the one body every subscriber receives. SNS delivers message
   * attributes only with this structure, not with JSON (docs/alerts.md).
   */
  readonly message: string;
  readonly messageAttributes: Readonly<Record<string, { DataType: 'String'; StringValue: string }>>;
}

const EMOJI = {
  HIGH: ':rotating_light:',
  MEDIUM: ':warning:',
  LOW: ':information_source:',
  INFO: ':memo:',
} as const;

/**
 * Text a user controls (repository names, tags, ARNs, messages) shown as an inline code span:
 * nothing inside one is formatting, a link or a mention, so `<!channel>` or `[x](y)` stay text.
 * Backticks and line breaks, which could close the span, are replaced; invisible characters are
 * made visible ({@link withoutInvisible}); and `&`, `<`, `>` are escaped even inside the span,
 * since Slack parses `<…>` there too ({@link slackEscape}).
 *
 * @example
 * ```ts
 * chatLiteral('<!channel> & co'); // '`&lt;!channel&gt; &amp; co`'
 * ```
 */
export function chatLiteral(text: string): string {
  const clean = text.replace(/[`\r\n\u2028\u2029]/g, (c) => (c === '`' ? "'" : ' '));
  return `\`${slackEscape(withoutInvisible(truncate(clean, 512)))}\``;
}

/**
 * Slack's escaping of its control characters in text ("Formatting text for app surfaces",
 * https://api.slack.com/reference/surfaces/formatting#escaping): `&` becomes `&amp;`, `<` `&lt;`
 * and `>` `&gt;` — nothing else, since only these are decoded for display. Applied last to every
 * piece of user text in a client-markdown notification, so that no `<…>` (a mention, a link) and
 * no entity can be formed by it.
 */
function slackEscape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/**
 * Characters a reader cannot see but a chat client acts on or hides text with: controls (C0 but
 * tab and line breaks, C1: Unicode category Cc), and format characters (category Cf: zero-width
 * space U+200B, word joiner U+2060, soft hyphen U+00AD, the direction marks and overrides that
 * make a client show text other than it is — U+202E reverses what follows — and the tag
 * characters), plus the whole tag block U+E0000–U+E007F, assigned or not. Shown as U+FFFD. A tab
 * is a space.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\u{E0000}-\u{E007F}]/gu;

function withoutInvisible(text: string): string {
  return text.replace(/\t/g, ' ').replace(INVISIBLE, '\ufffd');
}

/**
 * Text shown outside a code span where markdown may not be wanted (the title, the summary, the
 * keywords): the characters that open a link or a code span (`[`, `]`, backticks), that format
 * (`*`, `~`, and `_` where it is not inside a word — `team_a` stays, `_x_` would be italic) and
 * line breaks are replaced by harmless look-alikes, invisible characters made visible, and `&`,
 * `<`, `>` escaped, so names stay readable and nothing is active. (Exclusion filters hold `*`;
 * tags and repository names `_`.)
 */
function chatPlain(text: string, max: number): string {
  const plain = withoutInvisible(
    truncate(text, max).replace(/[[\]`*~\r\n\u2028\u2029]/g, (c) => PLAIN[c] ?? ' '),
  ).replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\u02cd');
  return slackEscape(plain);
}

const PLAIN: Readonly<Record<string, string>> = {
  '[': '(',
  ']': ')',
  '`': "'",
  '*': '\u2217',
  '~': '\u223c',
};

/** At most `max` characters (code points), never half of one; lone surrogates become U+FFFD. */
function truncate(text: string, max: number): string {
  const chars = Array.from(text.replace(/[\uD800-\uDFFF]/gu, '\uFFFD'));
  return chars.length <= max ? chars.join('') : chars.slice(0, max).join('');
}

/** A subject SNS accepts: printable ASCII, no line breaks, at most 100 characters. */
export function snsSubject(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, '?').trim() || 'ecr-tag-auditor';
  return shorten(ascii, SNS_LIMITS.subjectLength, '...');
}

function nextSteps(f: Finding): string[] {
  switch (f.kind) {
    case 'TAG_OVERWRITE_VIOLATION':
      return [
        `Find out who pushed it${f.actor ? ` (CloudTrail: ${chatLiteral(f.actor)})` : ' in CloudTrail (PutImage)'} and whether deployments pulled the new content.`,
        `If the change was not intended, point the tag back at ${chatLiteral(f.previousDigest ?? 'the previous digest')}.`,
        f.viaDelete
          ? 'The tag was deleted and pushed again: restrict ecr:BatchDeleteImage for release tags.'
          : 'Check the repository settings: the tag should not have been overwritable.',
      ];
    case 'OVERWRITE_BLOCKED':
      return f.severity === 'MEDIUM'
        ? [
            'The policy wants this tag mutable: align the repository exclusion filters with the policy.',
          ]
        : [
            'No action needed if the push was a mistake; push a new tag instead of overwriting a release tag.',
          ];
    case 'CONFIG_DRIFT':
      return f.expected && f.repository
        ? [
            `Restore the policy: ${chatLiteral(
              awsCliCommand(
                f.region,
                putImageTagMutabilityRequest(
                  { account: f.account, region: f.region, repository: f.repository },
                  f.expected,
                ),
              ),
            )}`,
            'Or, if the change is intended, update the policy.',
          ]
        : [];
    case 'TEMPLATE_DRIFT':
      return [
        'Repositories created from this template will not match the policy: update the template or the policy.',
      ];
    case 'CONFIG_REMEDIATED':
      return [
        'The change was undone automatically (remediate: true). If it was intended, change the policy first, then the repository.',
      ];
    default:
      return [];
  }
}

function description(f: Finding): string {
  const lines = [`${EMOJI[f.severity]} *${f.severity}* ${chatLiteral(f.message)}`];
  const facts: [string, string | null][] = [
    ['Repository', f.repository],
    ['Template prefix', f.templatePrefix],
    ['Tag', f.tag],
    ['Previous digest', f.previousDigest],
    ['Digest', f.digest],
    ['Expected', f.expected && describeConfig(f.expected)],
    ['Actual', f.actual && describeConfig(f.actual)],
    ['Tags affected', f.witnesses.length > 0 ? f.witnesses.join(', ') : null],
    ['Actor', f.actor],
    ['Account / region', `${f.account} / ${f.region}`],
    ['When', f.eventTime],
  ];
  for (const [label, value] of facts) if (value) lines.push(`• ${label}: ${chatLiteral(value)}`);
  return lines.join('\n');
}

/** The Amazon Q Developer custom notification for a finding. */
export function renderChatNotification(f: Finding): ChatNotification {
  const context: Record<string, string> = {
    findingId: f.id,
    kind: f.kind,
    severity: f.severity,
    detectedBy: f.detectedBy,
  };
  if (f.eventId) context.eventId = f.eventId;
  // The finding itself, for machine subscribers: every subscriber receives this one body.
  context.finding = JSON.stringify(f);
  return {
    version: '1.0',
    source: 'custom',
    id: f.id,
    content: {
      textType: 'client-markdown',
      title: chatPlain(findingTitle(f), 250),
      description: description(f),
      nextSteps: nextSteps(f),
      keywords: [f.severity, f.kind, f.account, f.region].map((k) => chatPlain(k, 64)),
    },
    metadata: {
      threadId: `${f.account}/${f.region}/${findingPlace(f)}`,
      summary: chatPlain(f.message, 250),
      eventType: f.kind,
      relatedResources: f.repository ? [repositoryArn(f.account, f.region, f.repository)] : [],
      additionalContext: context,
    },
  };
}

/**
 * The SNS message of one finding: the custom notification as the one body (String structure),
 * which Amazon Q Developer renders and machines read (the finding is in
 * `metadata.additionalContext.finding`), with the attributes subscribers filter and
 * de-duplicate on — delivered because the structure is String.
 *
 * @example
 * ```ts
 * const alert = renderAlert(finding);
 * alert.messageAttributes.findingId; // { DataType: 'String', StringValue: finding.id }
 * ```
 */
export function renderAlert(f: Finding): AlertMessage {
  const message = JSON.stringify(renderChatNotification(f));
  const attributes: Record<string, string> = {
    severity: f.severity,
    kind: f.kind,
    findingId: f.id,
    account: f.account,
  };
  if (f.repository) attributes.repository = f.repository;
  return {
    subject: snsSubject(`[${f.severity}] ${findingTitle(f)}`),
    message,
    messageAttributes: Object.fromEntries(
      Object.entries(attributes).map(([k, v]) => [
        k,
        { DataType: 'String' as const, StringValue: v },
      ]),
    ),
  };
}
