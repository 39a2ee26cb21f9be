// Keras import of a training config's metrics: accuracy carried over, the others named in kerasImport.notes, from
// lists, nested per-output lists or per-output dicts; no such note when compile is refused after all (a review).
import { describe, it, expect } from 'vitest';
import { initSync } from '../../../src/index.js';
import { importEditedConfig } from '../../helpers/keras-files.js';

initSync();
const OLD = '"metrics": ["accuracy"], "weighted_metrics": null';

const load = (metrics: string, extra: (s: string) => string = (s) => s) => importEditedConfig((c) => extra(c.replace(OLD, metrics)));

describe('Keras import: metric notes', () => {
  it('km-0: nested per-output lists, null, numbers, serialized without config', async () => {
    const { m, notes } = await load('"metrics": [["accuracy", "msle"]], "weighted_metrics": [null, 3, {"class_name": "AUC", "config": null}]');
    expect(m.getCompileConfig()!.metrics).toEqual(['accuracy']);
    expect(notes.join('\n')).toContain('"msle", "null", "3", "AUC"');
  });

  it('km-1: metrics given per output as a dict ({"<output>": [...]}) are carried over or named in notes, not dropped silently', async () => {
    const { m, notes } = await load('"metrics": {"dense": ["accuracy", "msle"]}, "weighted_metrics": null');
    const said = notes.some((n) => n.includes('msle'));
    const kept = (m.getCompileConfig()?.metrics ?? []).includes('accuracy' as never);
    expect({ said, kept }).toEqual({ said: true, kept: true });
  });

  it('km-2: when compile is refused after all, no note says accuracy was imported', async () => {
    const { m, notes } = await load('"metrics": ["accuracy", "msle"], "weighted_metrics": null',
      (s) => s.replace('"learning_rate": 0.0010000000474974513', '"learning_rate": -1'));
    expect(m.getCompileConfig()).toBeNull();
    expect(notes.join('\n')).toMatch(/training config not imported/);
    expect(notes.join("\n")).not.toMatch(/\(the accuracies, mse and mae are\)/);
  });
});
