/**
 * From a stream's chunks to UTF-8 text: bytes first (whatever the stream yields), then decoded
 * with multi-byte characters kept whole across chunks.
 *
 * @module
 */

/**
 * The chunks of a stream as bytes; strings (a stream with an encoding set) are encoded.
 *
 * @example
 * ```ts
 * for await (const bytes of bytesOf(process.stdin)) use(bytes);
 * ```
 */
export async function* bytesOf(input: AsyncIterable<unknown>): AsyncGenerator<Uint8Array> {
  for await (const chunk of input) {
    // A stream with an encoding set (or Readable.from of strings) yields strings.
    if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
    else if (chunk instanceof Uint8Array) yield chunk;
    else throw new TypeError(`input stream yielded a ${typeof chunk}, not bytes`);
  }
}

/**
 * UTF-8 text of a byte stream, decoded in streaming mode.
 *
 * @example
 * ```ts
 * for await (const text of decodeUtf8(bytesOf(stream))) use(text);
 * ```
 */
export async function* decodeUtf8(
  chunks: AsyncIterable<Uint8Array>,
  keepBom = false,
): AsyncGenerator<string> {
  // Streaming mode keeps a multi-byte character split across chunks whole; a BOM is dropped
  // (at the start of an input only: `keepBom` for a part that starts inside one).
  const decoder = new TextDecoder('utf-8', { ignoreBOM: keepBom });
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}
