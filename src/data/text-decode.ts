// Text from byte chunks for the loaders: the longest string they build, and UTF-8 decoding in bounded pieces.

/**
 * The longest string the text loaders build (a line, a CSV field, a whole file's text), in UTF-16 code units: V8's
 * String::kMaxLength on 64-bit, 2^29 - 24 (SpiderMonkey and JavaScriptCore allow more). One more character is a bare
 * RangeError from the concatenation, so the loaders check the length they are about to reach and throw a typed error
 * naming the line, field or file instead.
 */
export const MAX_TEXT_LENGTH = 2 ** 29 - 24;
/** Bytes decoded at once: a stream's chunk may be of any size, a piece of it stays far below MAX_TEXT_LENGTH. */
const DECODE_BYTES = 2 ** 24;

/** Decodes `chunk` (stream: true) in pieces of at most DECODE_BYTES, giving each piece's text to `onText`. */
export function decodeChunk(decoder: TextDecoder, chunk: Uint8Array, onText: (text: string) => void): void {
  if (chunk.length <= DECODE_BYTES) { onText(decoder.decode(chunk, { stream: true })); return; }
  for (let at = 0; at < chunk.length; at += DECODE_BYTES) onText(decoder.decode(chunk.subarray(at, at + DECODE_BYTES), { stream: true }));
}
