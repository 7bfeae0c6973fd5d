import { type Readable, Transform } from 'node:stream';

export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
  readonly statusCode = 413;
  constructor(limit: number) {
    super(`the request body is larger than ${limit} bytes`);
  }
}

/**
 * Passes a request body through unbuffered, failing once more than `limit` bytes have come:
 * a declared `Content-Length` is checked by the caller before; this catches chunked bodies.
 */
export function limitBody(body: Readable, limit: number): Readable {
  let seen = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > limit) callback(new BodyTooLargeError(limit));
      else callback(null, chunk);
    },
  });
  body.on('error', (error) => limited.destroy(error));
  return body.pipe(limited);
}
