import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import getRawBody from 'raw-body';
import { ApiError } from '@sluice/errors';

/**
 * The request body as bytes, at most limitBytes once decoded, as express.raw reads it: gzip,
 * deflate and br bodies are inflated (signatures cover the decoded bytes), any other encoding
 * is 415. Errors carry body-parser's `type`, so toApiError maps them to the same codes.
 */
export async function readRawBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding === 'identity') {
    if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) return Buffer.alloc(0);
    return getRawBody(req, { length: req.headers['content-length'], limit: limitBytes });
  }
  const inflate = decompressor(encoding);
  req.pipe(inflate);
  try {
    return await getRawBody(inflate, { limit: limitBytes });
  } catch (err) {
    req.unpipe(inflate);
    inflate.destroy();
    req.resume();
    throw err;
  }
}

function decompressor(encoding: string): Readable & NodeJS.WritableStream & { destroy(): void } {
  switch (encoding) {
    case 'gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'The request body encoding is not supported.');
  }
}
