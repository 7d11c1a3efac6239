import type { Activity, Attachment as BotAttachment } from 'botbuilder';
import { INBOUND_FILE_CONTENT_TYPE, type InboundFile } from '../../src/domain/inbound-file';
import { ChannelSendError } from '../../src/domain/ports/channel-sender';
import { FileDownloadError, downloadBounded, fileTooLarge } from '../bounded-download';
import { toLocale } from '../channel-adapter';
import type { TelegramApi } from './telegram-api';
import type { TgDocument, TgMessage, TgPhotoSize, TgUpdate } from './telegram-types';

/** The cloud Bot API refuses getFile above 20 MB. */
export const TELEGRAM_DOWNLOAD_MAX = 20 * 1024 * 1024;

/** `/start@my_bot args` → `/start args`: in groups Telegram appends the bot's name to commands. */
function stripBotName(text: string): string {
  return text.replace(/^(\/[A-Za-z0-9_]+)@[A-Za-z0-9_]+/, '$1');
}

/** The largest size of a photo: by file_size, else by pixels (the order of the array is not promised). */
export function largestPhoto(sizes: TgPhotoSize[]): TgPhotoSize | undefined {
  let best: TgPhotoSize | undefined;
  for (const s of sizes) {
    if (!best) best = s;
    else if ((s.file_size ?? 0) !== (best.file_size ?? 0))
      best = (s.file_size ?? 0) > (best.file_size ?? 0) ? s : best;
    else if (s.width * s.height > best.width * best.height) best = s;
  }
  return best;
}

function inboundFile(api: TelegramApi, fileId: string, meta: Omit<InboundFile, 'download'>): InboundFile {
  return {
    ...meta,
    async download(maxBytes: number): Promise<Buffer> {
      if (meta.size !== undefined && meta.size > maxBytes) throw fileTooLarge(meta.size, maxBytes);
      if (meta.size !== undefined && meta.size > TELEGRAM_DOWNLOAD_MAX)
        throw fileTooLarge(meta.size, TELEGRAM_DOWNLOAD_MAX);
      let file;
      try {
        file = await api.getFile(fileId);
      } catch (err) {
        if (err instanceof ChannelSendError && /too big/i.test(err.message)) {
          throw fileTooLarge(
            meta.size ?? TELEGRAM_DOWNLOAD_MAX + 1,
            Math.min(maxBytes, TELEGRAM_DOWNLOAD_MAX),
          );
        }
        throw new FileDownloadError('getFile failed');
      }
      if (file.file_size !== undefined && file.file_size > maxBytes)
        throw fileTooLarge(file.file_size, maxBytes);
      if (!file.file_path) throw new FileDownloadError('getFile returned no file_path');
      return downloadBounded(api.fileUrl(file.file_path), maxBytes);
    },
  };
}

function photoAttachment(api: TelegramApi, sizes: TgPhotoSize[]): BotAttachment | undefined {
  const p = largestPhoto(sizes);
  if (!p) return undefined;
  const content = inboundFile(api, p.file_id, {
    kind: 'photo',
    declaredType: 'image/jpeg',
    size: p.file_size,
  });
  return { contentType: INBOUND_FILE_CONTENT_TYPE, name: `photo-${p.file_unique_id}.jpg`, content };
}

function documentAttachment(api: TelegramApi, d: TgDocument): BotAttachment {
  const content = inboundFile(api, d.file_id, {
    kind: 'document',
    name: d.file_name,
    declaredType: d.mime_type,
    size: d.file_size,
  });
  return { contentType: INBOUND_FILE_CONTENT_TYPE, name: d.file_name ?? `file-${d.file_unique_id}`, content };
}

function messageActivity(api: TelegramApi, updateId: number, m: TgMessage): Partial<Activity> | undefined {
  if (!m.from || m.from.is_bot) return undefined;
  const attachments: BotAttachment[] = [];
  if (m.photo?.length) {
    const a = photoAttachment(api, m.photo);
    if (a) attachments.push(a);
  }
  if (m.document) attachments.push(documentAttachment(api, m.document));
  let text = m.text ?? m.caption;
  const channelData: Record<string, unknown> = { updateId };
  if (m.media_group_id) channelData.mediaGroupId = m.media_group_id;
  if (m.contact) {
    // Only the citizen's own number counts: a forwarded contact card is somebody else's.
    const own = m.contact.user_id !== undefined && m.contact.user_id === m.from.id;
    channelData.contact = own
      ? { phoneNumber: m.contact.phone_number }
      : { phoneNumber: undefined, notOwn: true };
    if (own) text = m.contact.phone_number;
  }
  if (text === undefined && attachments.length === 0 && !m.contact) return undefined; // stickers, locations, …
  return {
    type: 'message',
    id: String(m.message_id),
    timestamp: new Date(m.date * 1000),
    channelId: 'telegram',
    from: { id: String(m.from.id), name: m.from.first_name ?? '' },
    recipient: { id: 'bot', name: 'bot' },
    conversation: {
      id: String(m.chat.id),
      isGroup: m.chat.type !== 'private',
      conversationType: m.chat.type,
      name: '',
    },
    locale: toLocale(m.from.language_code),
    text: text === undefined ? undefined : stripBotName(text),
    attachments: attachments.length ? attachments : undefined,
    channelData,
  };
}

/**
 * One Telegram update as a botbuilder message Activity, or undefined for updates we do not handle
 * (edited messages, stickers, channel posts…). A pressed inline button arrives as the text of its data.
 */
export function updateToActivity(api: TelegramApi, update: TgUpdate): Partial<Activity> | undefined {
  if (update.message) return messageActivity(api, update.update_id, update.message);
  const cq = update.callback_query;
  if (cq?.data && cq.message) {
    return {
      type: 'message',
      id: `cq-${cq.id}`,
      timestamp: new Date(),
      channelId: 'telegram',
      from: { id: String(cq.from.id), name: cq.from.first_name ?? '' },
      recipient: { id: 'bot', name: 'bot' },
      conversation: {
        id: String(cq.message.chat.id),
        isGroup: cq.message.chat.type !== 'private',
        conversationType: cq.message.chat.type,
        name: '',
      },
      locale: toLocale(cq.from.language_code),
      text: cq.data,
      channelData: { updateId: update.update_id, callbackQueryId: cq.id },
    };
  }
  return undefined;
}
