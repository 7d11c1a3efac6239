import type { Chat } from './bot-harness';

/** The intake in Vietnamese, one input per step; `at` names the step the bot asks for next. */
export const WALK_VI: ReadonlyArray<{ input: string; at: string }> = [
  { input: '/new', at: 'consent' },
  { input: 'Đồng ý', at: 'category' },
  { input: '1', at: 'agency' },
  { input: '1', at: 'title' },
  { input: 'Tiêu đề thử nghiệm', at: 'content' },
  { input: 'Nội dung phản ánh thử nghiệm về thủ tục.', at: 'content-more' },
  { input: 'xong', at: 'files' },
  { input: 'bỏ qua', at: 'name' },
  { input: 'Trần Thị Bình', at: 'phone' },
  { input: '0987654321', at: 'email' },
  { input: '/skip', at: 'review' },
];

export const WALK_STEPS = WALK_VI.map((s) => s.at);

/** Sends inputs until the bot asks for `step`; returns the last reply text. */
export async function walkTo(chat: Chat, step: string): Promise<string> {
  let last = '';
  for (const s of WALK_VI) {
    last = await chat.sayText(s.input);
    if (s.at === step) return last;
  }
  throw new Error(`no step ${step}`);
}
