// Reading a request body without trusting its size: the compressed bytes are capped while they
// arrive, and gunzip stops at the decoded cap, so a small zip bomb cannot fill the heap either.
import type { IncomingMessage } from 'node:http';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';

const gunzipAsync = promisify(gunzip);

export type BodyResult =
  | { readonly kind: 'body'; readonly bytes: Buffer }
  | { readonly kind: 'too-large'; readonly message: string }
  | { readonly kind: 'corrupt'; readonly message: string }
  /** The client went away mid-body: there is no one to answer. */
  | { readonly kind: 'aborted' };

/**
 * Reads all of `req`, at most `maxBytes` of it. Past the cap it stops keeping chunks (they are
 * read and thrown away so the answer can still be written) and says 'too-large'.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    const tooLarge = { kind: 'too-large', message: `request body exceeds ${maxBytes} bytes` } as const;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > maxBytes) {
        over = true;
        chunks.length = 0;
        resolve(tooLarge);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? tooLarge : { kind: 'body', bytes: Buffer.concat(chunks, size) }));
    // 'close' before 'end' (or an 'error') is a client that aborted; after 'end' it changes nothing.
    req.on('error', () => resolve({ kind: 'aborted' }));
    req.on('close', () => resolve({ kind: 'aborted' }));
  });
}

/** Gunzips `bytes`, refusing to produce more than `maxDecodedBytes`. */
export async function gunzipBounded(bytes: Buffer, maxDecodedBytes: number): Promise<BodyResult> {
  try {
    return { kind: 'body', bytes: await gunzipAsync(bytes, { maxOutputLength: maxDecodedBytes }) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      return { kind: 'too-large', message: `gunzipped request body exceeds ${maxDecodedBytes} bytes` };
    }
    return { kind: 'corrupt', message: `request body is not valid gzip: ${(error as Error).message}` };
  }
}
