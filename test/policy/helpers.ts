/**
 * Helpers shared by the policy tests.
 *
 * @module
 */
import { expect } from 'vitest';
import { PolicyError } from '../../lib/core/policy/errors.ts';

/** Runs `act`, asserts that it throws a PolicyError, and returns it. */
export function policyErrorOf(act: () => unknown): PolicyError {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return error as PolicyError;
  }
  throw new Error('expected a PolicyError, but nothing was thrown');
}

/** Like {@link policyErrorOf}, for a promise. */
export async function policyErrorOfAsync(act: () => Promise<unknown>): Promise<PolicyError> {
  try {
    await act();
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return error as PolicyError;
  }
  throw new Error('expected a PolicyError, but nothing was thrown');
}

/** The issues of an error as `LINE:COL message`, compact enough to compare whole lists. */
export function positions(error: PolicyError): string[] {
  return error.errors.map((e) => `${e.line}:${e.column} ${e.message}`);
}
