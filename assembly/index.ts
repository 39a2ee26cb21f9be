// The Wasm ABI: re-exports only. The build generates the typed Kernels interface (src/core/kernels.ts) from it.
export { gemm_nn, gemm_tn, gemm_nn_packed, gemm_rows_packed, pack_b, pack_panels, row_panels, transpose } from './gemm';
export { lstm_forward, lstm_forward_packed, lstm_forward_out, lstm_pack, lstm_backward, lstm_backward_rows } from './lstm';
export { gru_forward, gru_backward } from './gru';
export { rnn_forward, rnn_backward } from './rnn';
export { activation_ext_forward, activation_ext_backward } from './activation';
export { conv1d_im2col, conv1d_col2im } from './conv';
export { attention_forward, attention_backward, attention_backward_rows, attention_backward_weights } from './attention';
export {
  rows_set, colsum_add, activation_forward, activation_backward, softmax_forward, softmax_backward,
  flip_time, add_into, merge_forward, copy_rows, copy_steps, merge_backward, take_step, mask_rows, masking_compute, zero_fill,
} from './dense';
export { embedding_forward, embedding_rows, embedding_slots, rows_add_indexed, embedding_rows_reset, embedding_backward, embedding_rows_scatter, embedding_mask } from './embedding';
export { batchnorm_forward_train, batchnorm_update_moving, batchnorm_forward_infer, batchnorm_backward, batchnorm_backward_infer } from './norm';
export { dropout_forward, dropout_backward, dropout_spatial_forward, dropout_spatial_backward } from './dropout';
export { pool_avg_forward, pool_avg_backward, pool_max_forward, pool_max_backward } from './pool';
export { rng_u32, rng_uniform, rng_normal, rng_normal_f64 } from './rng';
export { bce_logits, bce_probs, cce_logits, cce_probs, scce_probs, mse } from './loss';
export { adam_step, sgd_step, rmsprop_step, grad_sumsq, grad_scale, grad_clip, schedule_exponential_decay } from './optim';
export { xxh64_state_size, xxh64_reset, xxh64_update, xxh64_digest } from './hash';

// First free byte after the module's static data: the arena starts here (rounded up to 16).
export function heap_base(): usize { return __heap_base; }
export { simd_peak } from './peak';
