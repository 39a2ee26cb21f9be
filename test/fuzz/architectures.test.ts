// Seeded property fuzzing (fast-check) of random valid architectures: ids or float inputs, masks, batch norm,
// dropout, stacked (Bi-)LSTMs of every merge mode and activation, attention or pooling heads, three losses. For each,
// after one training step: predict is finite and a batch equals each row predicted alone, bit for bit; save ->
// loadModel predicts the same bytes; computeGradients gives a finite loss and finite gradients. FUZZ_ARCH_RUNS cases
// (default 200).
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { arch, check } from '../helpers/architectures.js';

const RUNS = Number(process.env.FUZZ_ARCH_RUNS ?? 200);

describe('architecture fuzzing: random valid models', () => {
  it(`${RUNS} architectures: finite forward and backward, batch == rows bit for bit, save -> load identical`, async () => {
    await fc.assert(fc.asyncProperty(arch, check), { seed: 20261201, numRuns: RUNS });
  });
});
