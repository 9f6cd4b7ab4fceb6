/**
 * The functions' settings (lib/runtime/settings.ts): the event bus every finding is put on
 * (FINDINGS_BUS_ARN, issue 12) must be an EventBridge event bus ARN, or no invocation runs.
 */
import { describe, expect, it } from 'vitest';
import { readSettings } from '../../lib/runtime/settings.ts';
import { BUS, TABLE, TOPIC } from '../aws/support.ts';

const VALID = { LEDGER_TABLE_NAME: TABLE, ALERTS_TOPIC_ARN: TOPIC, FINDINGS_BUS_ARN: BUS };

describe('readSettings: FINDINGS_BUS_ARN', () => {
  it('takes an event bus ARN', () => {
    expect(readSettings(VALID)).toMatchObject({ eventBusArn: BUS, topicArn: TOPIC });
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['a bus name, not an ARN', 'ecr-tag-auditor-prod-events'],
    ['the topic ARN', TOPIC],
    ['a rule ARN', 'arn:aws:events:us-east-1:123456789012:rule/ecr-tag-auditor-prod-events'],
    ['an ARN without account', 'arn:aws:events:us-east-1::event-bus/x'],
  ])('refuses %s, naming the variable', (_, value) => {
    const env = { ...VALID, FINDINGS_BUS_ARN: value };
    expect(() => readSettings(env)).toThrow('FINDINGS_BUS_ARN is not an EventBridge event bus ARN');
  });

  it('names every problem at once', () => {
    expect(() => readSettings({ FINDINGS_BUS_ARN: 'x' })).toThrow(
      /LEDGER_TABLE_NAME is not set; ALERTS_TOPIC_ARN .*; FINDINGS_BUS_ARN /,
    );
  });
});
