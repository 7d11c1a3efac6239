import type { Attachment } from '../../domain/complaint';
import { requireAllowedFileType, safeDisplayName } from '../../domain/file-type';
import { checkAttachmentCount, checkFileSize, type Limits } from '../../domain/limits';
import type { FileStore } from '../../domain/ports';

/** A file an officer uploaded (answer document, signed request document), not yet checked. */
export interface UploadedFile {
  name?: string;
  bytes: Buffer;
}

/**
 * Checks officers' uploads with the same rules as citizens' (size, count, type decided by the bytes),
 * all before storing any, so a refused batch leaves nothing behind; then stores them by content.
 */
export async function storeDocuments(
  files: FileStore,
  uploads: readonly UploadedFile[],
  limits: Limits,
): Promise<Attachment[]> {
  checkAttachmentCount(0, uploads.length, limits);
  const checked = uploads.map((u) => {
    checkFileSize(u.bytes.length, limits);
    return { u, type: requireAllowedFileType(u.bytes) };
  });
  const out: Attachment[] = [];
  for (const { u, type } of checked) {
    const stored = await files.put(u.bytes);
    out.push({
      name: safeDisplayName(u.name, type),
      mediaType: type.mediaType,
      size: stored.size,
      sha256: stored.sha256,
      storageKey: stored.key,
    });
  }
  return out;
}
