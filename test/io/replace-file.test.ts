/**
 * `replaceFile` (lib/io/replace-file.ts): the temporary file is created exclusively, so whatever
 * already stands at its name — a planted symlink above all — is never written through. The random
 * part of the name is fixed here so that a test can plant something there.
 */
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { replaceFile } from '../../lib/io/replace-file.ts';
import { tempDir } from '../cli/support.ts';

vi.mock('node:crypto', async (original) => ({
  ...(await original<typeof import('node:crypto')>()),
  randomBytes: (size: number) => Buffer.alloc(size, 0xab),
}));

const PREDICTED = '.state.json.abababababababab.tmp';

describe('replaceFile', () => {
  it('replaces the file with the content, leaving nothing beside it', async () => {
    // Prepare
    const dir = tempDir();
    const file = join(dir, 'state.json');
    writeFileSync(file, 'old\n');
    // Act
    await replaceFile(file, 'new\n');
    // Assess
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('refuses to write through a symlink standing at the temporary name, leaving its target alone', async () => {
    // Prepare
    const dir = tempDir();
    const file = join(dir, 'state.json');
    writeFileSync(file, 'old\n');
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(dir, PREDICTED));
    // Act
    const replaced = replaceFile(file, 'new\n');
    // Assess
    await expect(replaced).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(readFileSync(file, 'utf8')).toBe('old\n');
  });

  it('removes its temporary file when the rename fails', async () => {
    // Prepare: the file to replace is a directory that is not empty
    const dir = tempDir();
    const file = join(dir, 'state.json');
    mkdirSync(file);
    writeFileSync(join(file, 'inside'), '');
    // Act
    const replaced = replaceFile(file, 'new\n');
    // Assess
    await expect(replaced).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['state.json']);
  });
});
