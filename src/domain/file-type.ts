import { LimitError } from './errors';

/** What a file is, decided from its first bytes; the name a sender gives it is never trusted. */
export interface DetectedType {
  mediaType: string;
  extension: string;
  kind: 'image' | 'pdf' | 'document' | 'spreadsheet';
}

const startsWith = (buf: Uint8Array, sig: readonly number[], offset = 0): boolean =>
  buf.length >= offset + sig.length && sig.every((b, i) => buf[offset + i] === b);

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

function zipEntryNamesInclude(buf: Uint8Array, needle: string): boolean {
  // OOXML files are zips; the part names (word/, xl/) appear as plain bytes in the local headers
  // and the central directory.
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).includes(needle, 0, 'latin1');
}

export function detectFileType(buf: Uint8Array): DetectedType | undefined {
  if (startsWith(buf, [0xff, 0xd8, 0xff]))
    return { mediaType: 'image/jpeg', extension: 'jpg', kind: 'image' };
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { mediaType: 'image/png', extension: 'png', kind: 'image' };
  if (startsWith(buf, ascii('GIF87a')) || startsWith(buf, ascii('GIF89a')))
    return { mediaType: 'image/gif', extension: 'gif', kind: 'image' };
  if (startsWith(buf, ascii('RIFF')) && startsWith(buf, ascii('WEBP'), 8))
    return { mediaType: 'image/webp', extension: 'webp', kind: 'image' };
  if (
    startsWith(buf, ascii('ftypheic'), 4) ||
    startsWith(buf, ascii('ftypheix'), 4) ||
    startsWith(buf, ascii('ftypmif1'), 4)
  )
    return { mediaType: 'image/heic', extension: 'heic', kind: 'image' };
  if (startsWith(buf, ascii('%PDF-'))) return { mediaType: 'application/pdf', extension: 'pdf', kind: 'pdf' };
  if (startsWith(buf, [0x50, 0x4b, 0x03, 0x04]) && zipEntryNamesInclude(buf, '[Content_Types].xml')) {
    if (zipEntryNamesInclude(buf, 'word/'))
      return {
        mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        extension: 'docx',
        kind: 'document',
      };
    if (zipEntryNamesInclude(buf, 'xl/'))
      return {
        mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        extension: 'xlsx',
        kind: 'spreadsheet',
      };
  }
  if (startsWith(buf, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    // Legacy Office (OLE compound file): Word and Excel name their main stream differently.
    const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    if (b.includes('W\0o\0r\0d\0D\0o\0c\0u\0m\0e\0n\0t', 0, 'latin1'))
      return { mediaType: 'application/msword', extension: 'doc', kind: 'document' };
    if (b.includes('W\0o\0r\0k\0b\0o\0o\0k', 0, 'latin1') || b.includes('B\0o\0o\0k', 0, 'latin1'))
      return { mediaType: 'application/vnd.ms-excel', extension: 'xls', kind: 'spreadsheet' };
  }
  return undefined;
}

/** Throws `limits.file_type_not_allowed` for anything that is not an image, PDF, Word or Excel file. */
export function requireAllowedFileType(buf: Uint8Array): DetectedType {
  const type = detectFileType(buf);
  if (!type)
    throw new LimitError('limits.file_type_not_allowed', {
      allowed: 'JPG, PNG, GIF, WEBP, HEIC, PDF, DOC, DOCX, XLS, XLSX',
    });
  return type;
}

/**
 * A display name safe to show and to put in a Content-Disposition header: no directories, no control
 * characters, bounded length, the detected extension. It is never used as a path.
 */
export function safeDisplayName(name: string | undefined, type: DetectedType): string {
  const base = (name ?? '')
    .normalize('NFC')
    .split(/[\\/]/)
    .pop()!
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '')
    .replace(/^\.+/, '')
    .trim();
  const stem = base.replace(/\.[^.]*$/, '').slice(0, 100) || 'tep-dinh-kem';
  return `${stem}.${type.extension}`;
}
