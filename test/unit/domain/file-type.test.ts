import { deflateRawSync } from 'node:zlib';
import { LimitError, detectFileType, requireAllowedFileType, safeDisplayName } from '../../../src/domain';

/** A minimal zip with the given entry names, as Office writes them. */
function zipWith(names: string[]): Buffer {
  const parts: Buffer[] = [];
  for (const name of names) {
    const data = deflateRawSync(Buffer.from('<x/>'));
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(8, 8);
    h.writeUInt32LE(data.length, 18);
    h.writeUInt32LE(4, 22);
    h.writeUInt16LE(Buffer.byteLength(name), 26);
    parts.push(h, Buffer.from(name), data);
  }
  return Buffer.concat(parts);
}

describe('file types by magic bytes', () => {
  it.each([
    ['jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), 'image/jpeg'],
    ['png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), 'image/png'],
    ['gif', Buffer.from('GIF89a....'), 'image/gif'],
    ['webp', Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]), 'image/webp'],
    ['pdf', Buffer.from('%PDF-1.7\n%âãÏÓ'), 'application/pdf'],
    [
      'docx',
      zipWith(['[Content_Types].xml', 'word/document.xml']),
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
    [
      'xlsx',
      zipWith(['[Content_Types].xml', 'xl/workbook.xml']),
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ],
  ])('recognises %s', (_n, bytes, type) => {
    expect(detectFileType(bytes)?.mediaType).toBe(type);
  });

  it('refuses an .exe renamed .pdf, a plain zip, scripts and html', () => {
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]);
    for (const bytes of [
      exe,
      zipWith(['a.txt']),
      Buffer.from('#!/bin/sh\nrm -rf /'),
      Buffer.from('<html><script>'),
    ]) {
      expect(() => requireAllowedFileType(bytes)).toThrow(LimitError);
    }
  });

  it('makes display names safe: no path, no control characters, the real extension', () => {
    const pdf = detectFileType(Buffer.from('%PDF-1.4'))!;
    expect(safeDisplayName('../../etc/passwd', pdf)).toBe('passwd.pdf');
    expect(safeDisplayName('C:\\Windows\\evil.exe', pdf)).toBe('evil.pdf');
    expect(safeDisplayName('Đơn đề nghị\u0000.pdf', pdf)).toBe('Đơn đề nghị.pdf');
    expect(safeDisplayName('...', pdf)).toBe('tep-dinh-kem.pdf');
    expect(safeDisplayName(undefined, pdf)).toBe('tep-dinh-kem.pdf');
  });
});
