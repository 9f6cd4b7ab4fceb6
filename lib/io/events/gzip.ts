/**
 * Gzip sniffing: an input is gunzipped when it starts with the magic bytes, whatever its name.
 *
 * @module
 */
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * Gunzips when the stream starts with the gzip magic bytes 1f 8b, whatever the file is called.
 *
 * @example
 * ```ts
 * const bytes = gunzipIfNeeded(bytesOf(stream)); // plain or gzipped, the same bytes out
 * ```
 */
export async function* gunzipIfNeeded(
  chunks: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let size = 0;
  while (size < 2) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
    size += next.value.length;
  }
  const magic = Buffer.concat(head, Math.min(size, 2));
  const all = headThenRest(head, iterator);
  if (magic[0] === 0x1f && magic[1] === 0x8b) {
    // Errors of either stream end the iteration of the last one, where readStream catches them.
    yield* pipeline(Readable.from(all), createGunzip(), () => {});
  } else {
    yield* all;
  }
}

/** The chunks read ahead, then the rest of the iterator; closes it when stopped early. */
async function* headThenRest(
  head: readonly Uint8Array[],
  rest: AsyncIterator<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  try {
    yield* head;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  } finally {
    await rest.return?.();
  }
}
