// Seeded property fuzzing (fast-check) of gradients over random valid architectures (test/helpers/architectures.ts
// without dropout): computeGradients matches the float64 reference model composed from test/ref with the model's own
// weights, entry by entry within 0.1% of each tensor's scale, and the float64 gradient matches central differences of
// the float64 loss. FUZZ_GRAD_RUNS cases (default 200).
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { gradArch, checkGradients } from '../helpers/gradref.js';

const RUNS = Number(process.env.FUZZ_GRAD_RUNS ?? 200);

describe('gradient fuzzing: random valid models against the float64 references', () => {
  it(`${RUNS} architectures: computeGradients == float64 reference gradient, reference == central differences`, () => {
    fc.assert(fc.property(gradArch, (a) => checkGradients(a)), { seed: 20261201, numRuns: RUNS });
  });
});
