/**
 * The repository stands on its own: no file outside test/fixtures reaches for a folder beside the
 * clone or cites a document that is not in it. Fixtures are excluded because they are data as
 * published (their README may say where they came from).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { outsideReferences } from '../support/outside-references.ts';
import { repositoryFiles } from '../support/repository-files.ts';

const ROOT = new URL('../../', import.meta.url);
const SHARED = ['sha', 'red'].join('');
const OUTSIDE_DOC = ['SP', 'EC'].join('');

describe('outsideReferences', () => {
  it('finds a path into the folder beside the clone, however deep and with either separator', () => {
    // Prepare
    const text = [
      `new URL('../../../${SHARED}/fixtures/aws-docs/x.json', import.meta.url)`,
      `see ..\\${SHARED}\\notes`,
      `cat /work/${SHARED}/x`,
    ].join('\n');

    // Act
    const found = outsideReferences(text);

    // Assess
    expect(found).toEqual([`../../../${SHARED}`, `..\\${SHARED}`, `/work/${SHARED}`]);
  });

  it('finds an outside specification named with or without its extension', () => {
    // Prepare
    const text = `// as ${OUTSIDE_DOC} section 3 says\n// see ${OUTSIDE_DOC}.md`;

    // Act
    const found = outsideReferences(text);

    // Assess
    expect(found).toEqual([OUTSIDE_DOC, `${OUTSIDE_DOC}.md`]);
  });

  it('leaves alone the same word in prose or names, other parent folders and lower-case spec', () => {
    // Prepare
    const text = [
      `// helpers ${SHARED} by the policy tests`,
      `const ${SHARED}Arb = 1;`,
      `new URL('../fixtures/aws-docs/', import.meta.url)`,
      `../${SHARED}-nothing/x`,
      `specPolicy(dir); OCI distribution spec; IN${OUTSIDE_DOC}T`,
    ].join('\n');

    // Act
    const found = outsideReferences(text);

    // Assess
    expect(found).toEqual([]);
  });
});

describe('the repository', () => {
  it('lists its own files, and neither node_modules nor dist', () => {
    // Act
    const files = repositoryFiles(ROOT);

    // Assess
    expect(files).toContain('package.json');
    expect(files).toContain('test/repository/self-contained.test.ts');
    expect(files.filter((path) => /(^|\/)(node_modules|dist)\//.test(path))).toEqual([]);
  });

  it('references nothing outside itself, outside test/fixtures', () => {
    // Prepare
    const files = repositoryFiles(ROOT).filter((path) => !path.startsWith('test/fixtures/'));

    // Act
    const offenders = files.flatMap((path) =>
      outsideReferences(readFileSync(new URL(path, ROOT), 'utf8')).map(
        (found) => `${path}: ${found}`,
      ),
    );

    // Assess
    expect(offenders).toEqual([]);
  });
});
