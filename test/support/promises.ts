/** Promise helpers shared by the unit tests. */
import { expect } from '@open-wc/testing';
import { VoipError } from '../../src/errors.js';

/** The VoipError `promise` rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<VoipError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(VoipError);
    return error as VoipError;
  }
  throw new Error('expected a rejection');
}

/** Whether `promise` settled within `ms` (a few tasks). */
export async function settledSoon(promise: Promise<unknown>, ms = 30): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setTimeout(resolve, ms));
  return settled;
}
