// Fixture: one of each non-library error the check must find (see ../../README.md).
import { CheckpointError } from '../errors.js';

class Sentinel extends RangeError {}

export function a(): never { throw new Error('plain'); }
export function b(): never { throw new TypeError('type'); }
export function c(): Promise<never> { return Promise.reject(new RangeError('range')); }
export function d(): never { throw Error('called without new'); }
export function e(): never { throw 'a string'; }
export function f(): never { throw new Sentinel(); }
export const g = (): Error => new SyntaxError('made, to be thrown later');
export function h(): never { throw new globalThis.Error('qualified'); }

// Fine: library errors, words in strings and comments (throw new Error in a comment), rethrowing what was caught.
export function ok(x: unknown): never {
  try { JSON.parse(String(x)); } catch (err) { throw err; }
  throw new CheckpointError('fixture: expected "new Error(" in a string to be fine, got it.');
}
