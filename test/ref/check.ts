// Shared by the reference tests: gradient check by central differences on L = sum(y * r), r seeded random.
import { numericGrad, dotSum, expectClose, rand } from '../helpers/kernels.js';

/** Checks `analytic` = dL/dp for L(p) = sum(forward(p) * r) (forward may read p, which is perturbed in place). */
export function gradCheck(forward: () => ArrayLike<number>, p: Float64Array, analytic: ArrayLike<number>, r: ArrayLike<number>,
                          what: string, atol = 1e-7, rtol = 1e-6): void {
  const num = numericGrad(() => dotSum(forward(), r), p, 1e-6);
  expectClose(analytic, num, atol, rtol, what);
}

/** Seeded r for L = sum(y * r). */
export const weights = (n: number, seed: number): Float64Array => rand(n, seed, -1, 1);
