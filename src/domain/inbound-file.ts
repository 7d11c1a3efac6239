/**
 * A file a citizen sent in a chat, not yet fetched. Channel adapters put these in an Activity's
 * attachments as `{ contentType: INBOUND_FILE_CONTENT_TYPE, name, content: InboundFile }`; the dialogs
 * check the limits, then download (bounded) and store the bytes. The channel's file id never becomes a path.
 */
export const INBOUND_FILE_CONTENT_TYPE = 'application/vnd.pakn.inbound-file';

export interface InboundFile {
  /** The name the sender gave, if any: display only. */
  name?: string;
  /** What the channel claims (Telegram mime_type): a hint, never trusted; the bytes decide. */
  declaredType?: string;
  /** Size the channel reports before download, when it does (lets us refuse big files without fetching). */
  size?: number;
  /** The channel's kind of file message: a photo, a document. */
  kind: 'photo' | 'document' | 'other';
  /** Fetches the bytes; refuses (throws LimitError) past `maxBytes`. */
  download(maxBytes: number): Promise<Buffer>;
}
