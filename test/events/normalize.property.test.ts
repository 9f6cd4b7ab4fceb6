import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeEvent } from '../../lib/core/intake/normalize.ts';
import type { NormalizeResult } from '../../lib/core/intake/types.ts';
import { sample } from '../support/fixtures.ts';
import type { Json } from '../support/json.ts';
import {
  batchDeleteImage,
  blockedPutImage,
  putImageTagMutability,
  putTemplate,
} from './samples.ts';

const KINDS = ['events', 'skipped', 'malformed'];

/** Keys that would do harm if a reader followed inherited members or assigned through them. */
const NASTY_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
];

/** Keys a reader looks for, so that random objects sometimes look like events. */
const EVENT_KEYS = [
  'detail-type',
  'source',
  'detail',
  'action-type',
  'result',
  'eventSource',
  'eventName',
  'requestParameters',
  'responseElements',
  'imageIds',
  'Records',
  'errorCode',
];

const VALUES_LIKE_EVENTS = fc.constantFrom(
  'ECR Image Action',
  'AWS API Call via CloudTrail',
  'aws.ecr',
  'ecr.amazonaws.com',
  'PUSH',
  'DELETE',
  'SUCCESS',
  'PutImage',
  'BatchDeleteImage',
  'PutImageTagMutability',
  'ImageTagAlreadyExistsException',
);

/** JSON-like values whose objects use nasty and event-like keys, built as JSON.parse would. */
const hostileJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue(),
    VALUES_LIKE_EVENTS,
    tie('object'),
    fc.array(tie('value'), { maxLength: 4 }),
  ),
  object: fc
    .array(
      fc.tuple(fc.oneof(fc.constantFrom(...NASTY_KEYS, ...EVENT_KEYS), fc.string()), tie('value')),
      { maxLength: 6 },
    )
    // Object.fromEntries defines own properties, so `__proto__` becomes data as in JSON.parse.
    .map((entries) => Object.fromEntries(entries)),
}));

function expectWellFormed(result: NormalizeResult): void {
  expect(KINDS).toContain(result.kind);
  if (result.kind !== 'events') {
    expect(typeof result.reason).toBe('string');
    expect(result.reason).not.toMatch(/^internal error/);
  }
}

function prototypeSnapshot(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}

describe('normalizeEvent on arbitrary input', () => {
  it('never throws on arbitrary JSON and leaves Object.prototype alone', () => {
    const before = prototypeSnapshot();
    fc.assert(
      fc.property(fc.jsonValue({ depthSize: 'medium' }), (value) => {
        expectWellFormed(normalizeEvent(value));
      }),
      { numRuns: 500 },
    );
    expect(prototypeSnapshot()).toEqual(before);
  });

  it('never throws on hostile objects (__proto__, constructor, event-like keys)', () => {
    const before = prototypeSnapshot();
    fc.assert(
      fc.property(hostileJson.object, (value) => {
        expectWellFormed(normalizeEvent(value));
      }),
      { numRuns: 1000 },
    );
    expect(prototypeSnapshot()).toEqual(before);
    expect(({} as Json).detail).toBeUndefined();
  });

  it('never throws when hostile values are planted anywhere inside valid events', () => {
    const events = [
      sample('ecr-image-action-push'),
      sample('eventbridge-cloudtrail-put-image'),
      blockedPutImage(),
      batchDeleteImage(),
      putImageTagMutability(),
      putTemplate(),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...events),
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        hostileJson.value,
        (event, steps, planted) => {
          const copy = structuredClone(event);
          plant(copy, steps, planted);
          expectWellFormed(normalizeEvent(copy));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never throws on deep nesting', () => {
    let deep: unknown = sample('ecr-image-action-push');
    for (let i = 0; i < 100_000; i++)
      deep = { detail: deep, 'detail-type': 'ECR Image Action', source: 'aws.ecr' };
    expectWellFormed(normalizeEvent(deep));
    let deepList: unknown = [];
    for (let i = 0; i < 100_000; i++) deepList = [deepList];
    expectWellFormed(
      normalizeEvent({ ...batchDeleteImage(), responseElements: { imageIds: deepList } }),
    );
  });
});

/** Replaces the value reached by following `steps` (indexes into the keys met) with `value`. */
function plant(root: Json, steps: readonly number[], value: unknown): void {
  let node: unknown = root;
  for (const [i, step] of steps.entries()) {
    if (typeof node !== 'object' || node === null) return;
    const container = node as Record<string, unknown>;
    const keys = Object.keys(container);
    const key = keys[step % Math.max(keys.length, 1)];
    if (key === undefined) return;
    if (i === steps.length - 1) container[key] = value;
    else node = container[key];
  }
}

/**
 * Per valid event: `required` fields (deleting one makes the event malformed, naming it) and
 * `typed` fields (a present field replaced by a non-string makes it malformed, naming it). Fields
 * with a fallback (`recipientAccountId` → `userIdentity.accountId`, request ↔ response) are typed
 * but not required. Discriminators (`detail-type`, `source`, `eventSource`) are neither: without
 * them an item is no longer recognizable, so it is skipped.
 */
const MUTATION_TABLE: readonly {
  name: string;
  make: () => Json;
  required: readonly string[];
  typed: readonly string[];
}[] = [
  {
    name: 'ECR Image Action PUSH',
    make: () => sample('ecr-image-action-push'),
    required: [
      'account',
      'region',
      'time',
      'detail',
      'detail.action-type',
      'detail.result',
      'detail.repository-name',
      'detail.image-digest',
    ],
    typed: ['id', 'detail.image-tag'],
  },
  {
    name: 'ECR Image Action DELETE',
    make: () => sample('ecr-image-action-delete'),
    required: ['account', 'region', 'time', 'detail.repository-name'],
    typed: ['id', 'detail.image-tag', 'detail.image-digest'],
  },
  {
    name: 'raw CloudTrail PutImage',
    make: () => sample('cloudtrail-record-put-image'),
    required: ['eventName', 'eventTime', 'awsRegion', 'responseElements.image.imageId.imageDigest'],
    typed: [
      'recipientAccountId',
      'eventID',
      'userIdentity.arn',
      'requestParameters.repositoryName',
      'responseElements.image.imageId.imageTag',
    ],
  },
  {
    name: 'EventBridge CloudTrail PutImage',
    make: () => sample('eventbridge-cloudtrail-put-image'),
    required: ['account', 'detail.eventName', 'detail.responseElements.image.imageId.imageDigest'],
    typed: [
      'region',
      'detail.eventTime',
      'detail.eventID',
      'detail.requestParameters.repositoryName',
      'detail.responseElements.image.imageId.imageTag',
    ],
  },
  {
    name: 'blocked PutImage',
    make: blockedPutImage,
    required: ['requestParameters.repositoryName', 'requestParameters.imageTag'],
    typed: ['requestParameters.imageDigest', 'errorCode'],
  },
  {
    name: 'CreateRepository',
    make: () => sample('cloudtrail-record-create-repository'),
    required: ['eventTime', 'awsRegion'],
    typed: ['requestParameters.repositoryName', 'eventID'],
  },
  {
    name: 'BatchDeleteImage',
    make: batchDeleteImage,
    required: ['requestParameters.repositoryName'],
    typed: ['responseElements.imageIds', 'responseElements.imageIds.0.imageTag'],
  },
  {
    name: 'PutImageTagMutability',
    make: putImageTagMutability,
    required: ['responseElements.imageTagMutability'],
    typed: [
      'requestParameters.repositoryName',
      'responseElements.imageTagMutabilityExclusionFilters',
    ],
  },
  {
    name: 'CreateRepositoryCreationTemplate',
    make: () => putTemplate(),
    required: [],
    typed: ['requestParameters.prefix'],
  },
];

/** `responseElements.imageIds.0.imageTag` as reasons write it: `responseElements.imageIds[0].imageTag`. */
function reasonPath(path: string): string {
  return path.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
}

function mutate(event: Json, path: string, replace: { value: unknown } | null): Json {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let node = event as Record<string, unknown>;
  for (const key of keys) node = node[key] as Record<string, unknown>;
  if (replace === null) delete node[last];
  else node[last] = replace.value;
  return event;
}

describe('normalizeEvent on mutated valid events', () => {
  it('every event of the table is valid before mutation', () => {
    for (const { name, make } of MUTATION_TABLE) {
      expect(normalizeEvent(make()).kind, name).toBe('events');
    }
  });

  const requiredCases = MUTATION_TABLE.flatMap((row) =>
    row.required.map((path) => ({ row, path })),
  );
  const typedCases = MUTATION_TABLE.flatMap((row) =>
    [...row.required, ...row.typed].map((path) => ({ row, path })),
  );

  it('a required field deleted or set to null → malformed naming that field', () => {
    fc.assert(
      fc.property(fc.constantFrom(...requiredCases), fc.boolean(), ({ row, path }, toNull) => {
        // Prepare
        const event = mutate(row.make(), path, toNull ? { value: null } : null);
        // Act
        const result = normalizeEvent(event);
        // Assess
        expect(result.kind, `${row.name} without ${path}`).toBe('malformed');
        expect(result.kind !== 'events' && result.reason).toContain(`${reasonPath(path)} `);
      }),
    );
  });

  it('a field replaced by a number or a boolean → malformed naming that field', () => {
    const nonString = fc.oneof(fc.integer(), fc.double(), fc.boolean());
    fc.assert(
      fc.property(fc.constantFrom(...typedCases), nonString, ({ row, path }, value) => {
        const result = normalizeEvent(mutate(row.make(), path, { value }));
        expect(result.kind, `${row.name} with ${path} = ${value}`).toBe('malformed');
        expect(result.kind !== 'events' && result.reason).toContain(`${reasonPath(path)} `);
      }),
      { numRuns: 300 },
    );
  });

  it('a tag, digest or repository name replaced by an arbitrary string is kept only when valid', () => {
    const paths = ['detail.image-tag', 'detail.image-digest', 'detail.repository-name'];
    // The grammars written out again, on purpose: they are the oracle for the intake's checks.
    const patterns = [
      /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/,
      /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/,
      /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
    ];
    const candidate = fc.oneof(
      fc.string(),
      fc.stringMatching(/^[a-z0-9._:/-]{1,20}$/),
      fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,130}$/),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), candidate, (which, value) => {
        const path = paths[which] as string;
        const result = normalizeEvent(mutate(sample('ecr-image-action-push'), path, { value }));
        const valid = (patterns[which] as RegExp).test(value) && value.length <= 256;
        expect(result.kind).toBe(valid ? 'events' : 'malformed');
        if (result.kind === 'malformed') expect(result.reason).toContain(`${path} is not`);
      }),
      { numRuns: 500 },
    );
  });
});
