// The ONNX opset our exported graphs declare (a module of its own: the public API exports it without loading the writer).
/** The opset the exported graph declares (default domain). */
export const ONNX_OPSET = 17;
