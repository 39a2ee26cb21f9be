// The ONNX opset our exported graphs declare, apart from export-onnx.ts so that reading it loads no exporter.

/** The opset the exported graph declares (default domain). */
export const ONNX_OPSET = 17;
