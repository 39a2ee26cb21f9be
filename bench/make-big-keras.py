# Writes a ~100 MB Keras .h5 for bench/keras-import.mjs: test/fixtures/keras/tfk2_15_attention.h5 (tf.keras 2.15
# layout) with its embedding grown to 3,125,000 x 8 float32 (seeded). Debian's h5py: /usr/bin/python3 bench/make-big-keras.py DIR
import json, os, shutil, sys
import h5py
import numpy as np

out = os.path.join(sys.argv[1] if len(sys.argv) > 1 else '/tmp', 'big-keras.h5')
shutil.copy(os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'keras', 'tfk2_15_attention.h5'), out)
V = 3125000
with h5py.File(out, 'r+') as f:
    cfg = json.loads(f.attrs['model_config'])
    for layer in cfg['config']['layers']:
        if layer['class_name'] == 'Embedding':
            layer['config']['input_dim'] = V
    f.attrs['model_config'] = json.dumps(cfg).encode('utf8')
    g = f['model_weights/embedding/embedding']
    del g['embeddings:0']
    g.create_dataset('embeddings:0', data=(np.random.default_rng(1).standard_normal((V, 8)) * 0.05).astype('float32'))
print(out, os.path.getsize(out))
