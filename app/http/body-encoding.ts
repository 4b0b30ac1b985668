import { Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Request } from 'express';
import { invalidInput } from '../../core/index.ts';
import { notInItsEncoding } from './problem.ts';

// A body a route reads itself as a stream (an import) in the Content-Encoding it was sent in, as
// the JSON routes' parser reads theirs.

const decoders: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** Whether the request's body is sent compressed: its length then says nothing of what it holds. */
export function isEncoded(req: Request): boolean {
  return contentEncoding(req) !== 'identity';
}

const contentEncoding = (req: Request) =>
  (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();

/**
 * The request's body as it streams in, decompressed when its Content-Encoding says it is. An
 * encoding this server does not read is refused at once; a body that is not in the encoding it
 * says fails its reading with a 400 that says so. A request that fails (a client gone) fails the
 * reading with its own error.
 */
export function decodedBody(req: Request): Readable {
  const encoding = contentEncoding(req);
  if (encoding === 'identity') return req;
  const decoder = decoders[encoding];
  if (!decoder)
    throw invalidInput(`the request body is sent as ${encoding}, which this server does not read`, [
      { path: 'content-encoding', message: `must be one of ${Object.keys(decoders).join(', ')} or identity` },
    ]);
  const decoding = req.pipe(decoder());
  // Heard from the start: a body that is not in its encoding fails on its first bytes, maybe
  // before anything reads it.
  let failure: unknown;
  decoding.on('error', (error) => (failure ??= error));
  let gone: unknown;
  req.once('error', (error) => {
    gone = error;
    decoding.destroy(error);
  });
  return Readable.from(
    (async function* () {
      try {
        for await (const chunk of decoding) yield chunk as Buffer;
      } catch (error) {
        failure ??= error;
      }
      if (failure === undefined) return;
      if (failure === gone) throw failure;
      throw invalidInput(notInItsEncoding(encoding), [
        { path: 'content-encoding', message: `the body is not ${encoding}` },
      ]);
    })(),
    { objectMode: false },
  );
}
