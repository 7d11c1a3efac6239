import { mentionsAny } from './text-match';

/**
 * Images of identity documents are sensitive personal data (NĐ 13/2023, NĐ 356/2025). When a caption
 * or message says a file is one, the bot warns and asks before keeping it; it never asks for the number.
 */
const ID_DOCUMENT_PHRASES = [
  'cccd',
  'cmnd',
  'can cuoc',
  'the can cuoc',
  'chung minh nhan dan',
  'chung minh thu',
  'giay to tuy than',
  'ho chieu',
  'bang lai',
  'giay phep lai xe',
  'passport',
  'id card',
  'identity card',
  'identity document',
  'driver license',
  "driver's license",
  'driving licence',
];

export function mentionsIdentityDocument(text: string | undefined): boolean {
  return (
    !!text &&
    mentionsAny(
      text.replace(/'/g, ' '),
      ID_DOCUMENT_PHRASES.map((p) => p.replace(/'/g, ' ')),
    )
  );
}
