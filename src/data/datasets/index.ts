// The built-in data sets, each from an optional npm package loaded on first use: datasets.names, datasets.spamAssassin.
import { names } from './names.js';
import { spamAssassin } from './spam-assassin.js';

/** Labelled text data sets with a seeded split ({ testFraction = 0.2, seed = 1 }), no network. */
export const datasets = { names, spamAssassin };
