import type { Activity } from 'botbuilder';
import { requestedContactLabel, suggestedTitles } from '../channel-adapter';

/** sendMessage accepts 1-4096 characters. */
export const TELEGRAM_TEXT_MAX = 4096;

/**
 * Splits text into parts of at most `max` UTF-16 units (Telegram counts what its entity offsets count),
 * preferring a paragraph break, then a line break, then a space; never inside a surrogate pair.
 */
export function splitText(text: string, max = TELEGRAM_TEXT_MAX): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = -1;
    const window = rest.slice(0, max + 1);
    for (const sep of ['\n\n', '\n', ' ']) {
      const at = window.lastIndexOf(sep);
      if (at > max / 2) {
        cut = at;
        break;
      }
    }
    let head: string;
    if (cut > 0) {
      head = rest.slice(0, cut);
      rest = rest.slice(cut).replace(/^\s+/, '');
    } else {
      let end = max;
      const code = rest.charCodeAt(end - 1);
      if (code >= 0xd800 && code <= 0xdbff) end--; // keep a surrogate pair whole
      head = rest.slice(0, end);
      rest = rest.slice(end);
    }
    head = head.replace(/\s+$/, '');
    if (head) parts.push(head);
  }
  if (rest.trim() || parts.length === 0) parts.push(rest);
  return parts;
}

interface KeyboardButton {
  text: string;
  request_contact?: boolean;
}

/** Buttons in rows: short labels share a row (up to 3), long ones get their own. */
function rows(titles: string[]): KeyboardButton[][] {
  const out: KeyboardButton[][] = [];
  const short = titles.every((t) => [...t].length <= 12);
  const perRow = short ? 3 : 1;
  for (let i = 0; i < titles.length; i += perRow)
    out.push(titles.slice(i, i + perRow).map((text) => ({ text })));
  return out;
}

export interface SendMessagePayload {
  chat_id: string;
  text: string;
  reply_markup?: unknown;
}

/**
 * A bot message as sendMessage calls: the text split at 4096, the keyboard on the last part. Choices
 * become a reply keyboard (pressing a button sends its text, which the choice prompts recognise); a
 * contact request adds the share-my-phone button; a message without either removes any old keyboard.
 */
export function renderForTelegram(
  activity: Partial<Activity>,
  chatId: string,
  shareContactLabel: () => string,
): SendMessagePayload[] {
  const titles = suggestedTitles(activity);
  const contact = requestedContactLabel(activity);
  let text = (activity.text ?? '').trim();
  if (!text && activity.attachments?.length)
    text = activity.attachments
      .map((a) => a.name ?? '')
      .filter(Boolean)
      .join('\n');
  if (!text && !titles.length && !contact) return [];
  if (!text) text = '…';
  let reply_markup: unknown;
  if (titles.length || contact) {
    const keyboard: KeyboardButton[][] = [];
    if (contact)
      keyboard.push([{ text: contact === true ? shareContactLabel() : contact, request_contact: true }]);
    keyboard.push(...rows(titles));
    reply_markup = { keyboard, resize_keyboard: true, one_time_keyboard: true };
  } else {
    reply_markup = { remove_keyboard: true };
  }
  const parts = splitText(text);
  return parts.map((part, i) =>
    i === parts.length - 1 ? { chat_id: chatId, text: part, reply_markup } : { chat_id: chatId, text: part },
  );
}
