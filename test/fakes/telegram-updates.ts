/** Builders of Telegram updates in the Bot API's real shapes. */
let nextUpdateId = 500_000;
let nextMessageId = 1;

export interface TgUserOpts {
  userId?: number;
  chatId?: number;
  languageCode?: string;
}

function base(opts: TgUserOpts) {
  const userId = opts.userId ?? 111;
  return {
    message_id: nextMessageId++,
    date: Math.floor(Date.now() / 1000),
    from: { id: userId, is_bot: false, first_name: 'An', language_code: opts.languageCode ?? 'vi' },
    chat: { id: opts.chatId ?? userId, type: 'private', first_name: 'An' },
  };
}

export function textUpdate(text: string, opts: TgUserOpts & { updateId?: number } = {}) {
  return { update_id: opts.updateId ?? nextUpdateId++, message: { ...base(opts), text } };
}

export function photoUpdate(fileId: string, opts: TgUserOpts & { caption?: string; size?: number } = {}) {
  const size = opts.size ?? 50_000;
  return {
    update_id: nextUpdateId++,
    message: {
      ...base(opts),
      caption: opts.caption,
      photo: [
        {
          file_id: `${fileId}-small`,
          file_unique_id: `${fileId}-us`,
          width: 90,
          height: 67,
          file_size: Math.floor(size / 10),
        },
        { file_id: fileId, file_unique_id: `${fileId}-u`, width: 1280, height: 960, file_size: size },
        {
          file_id: `${fileId}-mid`,
          file_unique_id: `${fileId}-um`,
          width: 320,
          height: 240,
          file_size: Math.floor(size / 3),
        },
      ],
    },
  };
}

export function documentUpdate(
  fileId: string,
  opts: TgUserOpts & { fileName?: string; mimeType?: string; size?: number; caption?: string } = {},
) {
  return {
    update_id: nextUpdateId++,
    message: {
      ...base(opts),
      caption: opts.caption,
      document: {
        file_id: fileId,
        file_unique_id: `${fileId}-u`,
        file_name: opts.fileName ?? 'don.pdf',
        mime_type: opts.mimeType ?? 'application/pdf',
        file_size: opts.size ?? 12_345,
      },
    },
  };
}

export function contactUpdate(phone: string, opts: TgUserOpts & { contactUserId?: number } = {}) {
  const b = base(opts);
  return {
    update_id: nextUpdateId++,
    message: {
      ...b,
      contact: { phone_number: phone, first_name: 'An', user_id: opts.contactUserId ?? b.from.id },
    },
  };
}
