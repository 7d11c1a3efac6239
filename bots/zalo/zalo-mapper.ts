import type { Activity, Attachment as BotAttachment } from 'botbuilder';
import { INBOUND_FILE_CONTENT_TYPE, type InboundFile } from '../../src/domain/inbound-file';
import { fileTooLarge } from '../bounded-download';
import type { ZaloClient } from './zalo-client';
import type { ZaloAttachment, ZaloEvent } from './zalo-types';

export const ZALO_MESSAGE_EVENTS = new Set(['user_send_text', 'user_send_image', 'user_send_file']);

/** The dedupe key of an event: Zalo's message id (or the event's name and sender) with its timestamp. */
export function zaloEventKey(e: ZaloEvent): string {
  const id = e.message?.msg_id ?? `${e.event_name}:${e.sender?.id ?? ''}`;
  return `zalo:${id}:${String(e.timestamp)}`;
}

function fileOf(client: ZaloClient, a: ZaloAttachment, index: number): BotAttachment | undefined {
  const url = a.payload?.url;
  if (!url) return undefined;
  const size =
    a.payload?.size !== undefined && Number.isFinite(Number(a.payload.size))
      ? Number(a.payload.size)
      : undefined;
  const isImage = a.type === 'image' || a.type === 'gif';
  const name =
    a.payload?.name ??
    (isImage ? `image-${index + 1}.jpg` : `file-${index + 1}${a.payload?.type ? `.${a.payload.type}` : ''}`);
  const content: InboundFile = {
    kind: isImage ? 'photo' : a.type === 'file' ? 'document' : 'other',
    name: a.payload?.name,
    size,
    declaredType: isImage ? 'image/jpeg' : undefined,
    async download(maxBytes: number): Promise<Buffer> {
      if (size !== undefined && size > maxBytes) throw fileTooLarge(size, maxBytes);
      return client.getAttachment(url, maxBytes);
    },
  };
  return { contentType: INBOUND_FILE_CONTENT_TYPE, name, content };
}

/** A user_send_text/image/file event as a message Activity; other events (follow, seen…) give undefined. */
export function zaloEventToActivity(client: ZaloClient, e: ZaloEvent): Partial<Activity> | undefined {
  if (!ZALO_MESSAGE_EVENTS.has(e.event_name) || !e.sender?.id) return undefined;
  const attachments = (e.message?.attachments ?? [])
    .filter((a) => a.type === 'image' || a.type === 'gif' || a.type === 'file')
    .map((a, i) => fileOf(client, a, i))
    .filter((a): a is BotAttachment => a !== undefined);
  const text = e.message?.text?.trim() ? e.message.text : undefined;
  if (!text && attachments.length === 0) return undefined;
  const ts = Number(e.timestamp);
  return {
    type: 'message',
    id: e.message?.msg_id ?? String(e.timestamp),
    timestamp: Number.isFinite(ts) ? new Date(ts) : new Date(),
    channelId: 'zalo',
    from: { id: e.sender.id, name: '' },
    recipient: { id: e.recipient?.id ?? 'oa', name: 'oa' },
    conversation: { id: e.sender.id, isGroup: false, conversationType: 'personal', name: '' },
    text,
    attachments: attachments.length ? attachments : undefined,
    channelData: { eventName: e.event_name, msgId: e.message?.msg_id },
  };
}
