// Node: import a Keras model (.h5 or .keras) without Python, predict with attention, then save it as a bilstm-attn
// file.   node examples/keras.mjs [model.keras|model.h5]   (default: a small Keras 3 Bi-LSTM + attention classifier)
import { fileURLToPath } from 'node:url';
import { init, loadKerasModel } from 'bilstm-attn';

await init();
const file = process.argv[2] ?? fileURLToPath(new URL('../test/fixtures/keras/k3_attention.keras', import.meta.url));
// the file's custom attention class (registered as bilstm_attn>AttentionLayer) is our attention layer
const model = await loadKerasModel(file, { customObjects: { AttentionLayer: 'attention' } });
model.summary();
const T = model.layers[0].getConfig().inputLength;
const ids = { data: Int32Array.from({ length: 2 * T }, (_, i) => 1 + ((i * 7) % 19)), shape: [2, T] };
const p = model.predict(ids, { returnAttention: true });
console.log(`imported ${model.metadata.createdBy}; p = [${Array.from(p.data, (v) => v.toFixed(4)).join(', ')}]`);
console.log(`attention of sample 0: ${Array.from(p.attention[0].data.subarray(0, T), (v) => v.toFixed(3)).join(' ')}`);
const bytes = await model.save();
console.log(`saved as a bilstm-attn file of ${bytes.length} bytes`);
