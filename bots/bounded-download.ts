import { AppError, LimitError } from '../src/domain/errors';

/**
 * A file a chat pointed to could not be fetched (expired link, channel down). No cause is kept: the
 * URL of a Telegram file contains the bot token.
 */
export class FileDownloadError extends AppError {
  readonly key = 'web:channel.file_download_failed';
  constructor(message: string) {
    super(message, {});
  }
}

export function fileTooLarge(actual: number, limit: number): LimitError {
  return new LimitError('limits.file_too_large', {
    limit,
    actual,
    limitMb: Math.round((limit / 1024 / 1024) * 10) / 10,
    actualMb: Math.round((actual / 1024 / 1024) * 10) / 10,
  });
}

/**
 * GETs `url` and returns the bytes, refusing (LimitError) as soon as more than `maxBytes` arrive:
 * a lying or missing Content-Length cannot make us buffer a huge file.
 */
export async function downloadBounded(
  url: string,
  maxBytes: number,
  options: { timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetch(url, {
      headers: options.headers,
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (err) {
    throw new FileDownloadError(`download failed: ${(err as Error).name}`);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    throw new FileDownloadError(`download failed: HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body.cancel().catch(() => undefined);
    throw fileTooLarge(declared, maxBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw fileTooLarge(total, maxBytes);
      }
      chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    }
  } catch (err) {
    if (err instanceof LimitError) throw err;
    throw new FileDownloadError(`download interrupted: ${(err as Error).name}`);
  }
  return Buffer.concat(chunks, total);
}
