// What TF.js itself saves, for the TF.js import tests: model.json + one shard in memory, as its file:// and browser
// handlers would write them.
import * as tf from '@tensorflow/tfjs';
import type { TfjsFiles } from '../../src/index.js';

/** A TF.js model saved through tf.io.withSaveHandler, as { files: { 'model.json', 'weights.bin' } }. */
export async function tfSave(model: tf.LayersModel): Promise<TfjsFiles> {
  let files: Record<string, Uint8Array> = {};
  await model.save(tf.io.withSaveHandler(async (a) => {
    const data = Array.isArray(a.weightData) ? tf.io.concatenateArrayBuffers(a.weightData) : a.weightData!;
    const json = { format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy, modelTopology: a.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] };
    files = { 'model.json': new TextEncoder().encode(JSON.stringify(json)), 'weights.bin': new Uint8Array(data) };
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return { files };
}
