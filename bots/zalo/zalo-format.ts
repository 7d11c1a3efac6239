import type { Activity } from 'botbuilder';
import { suggestedTitles } from '../channel-adapter';
import { splitText } from '../telegram/telegram-format';

/** Open-source adapters cap OA CS text at 2000 characters (the official limit is not published). */
export const ZALO_TEXT_MAX = 2000;

/** Choices as a numbered list under the text: the choice prompts accept the number or the text. */
export function withNumberedChoices(text: string, titles: string[], hint: string): string {
  if (!titles.length) return text;
  // The dialogs' prompts already list their options numbered in the text: nothing to add then.
  const lines = new Set(text.split('\n').map((l) => l.trim()));
  if (titles.every((t, i) => lines.has(`${i + 1}. ${t}`))) return text;
  const list = titles.map((t, i) => `${i + 1}. ${t}`).join('\n');
  return [text.trim(), `${hint}\n${list}`].filter(Boolean).join('\n\n');
}

/**
 * The messages of one turn as few CS messages as possible (each counts against the OA's 8 free replies
 * per 48 h): texts joined by blank lines, choices numbered at the end, split at 2000 characters.
 */
export function renderTurnForZalo(activities: Array<Partial<Activity>>, hint: string): string[] {
  const texts: string[] = [];
  for (const a of activities) {
    const body = withNumberedChoices(a.text ?? '', suggestedTitles(a), hint);
    if (body.trim()) texts.push(body.trim());
  }
  if (!texts.length) return [];
  return splitText(texts.join('\n\n'), ZALO_TEXT_MAX);
}
