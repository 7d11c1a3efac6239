import type { Attachment } from '../../domain/complaint';
import { LimitError } from '../../domain/errors';
import { requireAllowedFileType, safeDisplayName } from '../../domain/file-type';
import type { InboundFile } from '../../domain/inbound-file';
import { checkAttachmentCount, checkFileSize, DEFAULT_LIMITS, type Limits } from '../../domain/limits';
import type { FileStore } from '../../domain/ports/file-store';

/**
 * Takes one file a citizen sent in a chat: count and declared size are checked before anything is
 * fetched, the download is bounded, the type is decided by the bytes, then the bytes are stored
 * (content-addressed) and described as an Attachment. Throws LimitError/ValidationError with the numbers.
 */
export async function acceptInboundFile(
  files: FileStore,
  file: InboundFile,
  already: readonly Attachment[],
  limits: Limits = DEFAULT_LIMITS,
): Promise<Attachment> {
  checkAttachmentCount(already.length, 1, limits);
  if (file.size !== undefined) checkFileSize(file.size, limits);
  const bytes = await file.download(limits.maxFileBytes);
  checkFileSize(bytes.length, limits);
  const type = requireAllowedFileType(bytes);
  const stored = await files.put(bytes);
  if (already.some((a) => a.sha256 === stored.sha256)) {
    throw new LimitError('bot:errors.file_duplicate', { limit: limits.maxAttachments });
  }
  return {
    name: safeDisplayName(file.name, type),
    mediaType: type.mediaType,
    size: bytes.length,
    sha256: stored.sha256,
    storageKey: stored.key,
  };
}
