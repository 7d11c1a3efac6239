import type { Chat } from './bot-harness';

/** The intake in Vietnamese, one input per step; `at` names the step the bot asks for next. */
export const WALK_VI: ReadonlyArray<{ input: string; at: string; expect: string }> = [
  { input: '/new', at: 'consent', expect: 'Bạn có đồng ý' },
  { input: 'Đồng ý', at: 'category', expect: 'lĩnh vực' },
  { input: '1', at: 'agency', expect: 'cơ quan nào' },
  { input: '1', at: 'title', expect: 'tiêu đề' },
  { input: 'Tiêu đề thử nghiệm', at: 'content', expect: 'Trình bày nội dung' },
  { input: 'Nội dung phản ánh thử nghiệm về thủ tục.', at: 'content-more', expect: '/3000' },
  { input: 'xong', at: 'files', expect: 'Bước 5/7' },
  { input: 'bỏ qua', at: 'name', expect: 'họ và tên' },
  { input: 'Trần Thị Bình', at: 'phone', expect: 'số điện thoại' },
  { input: '0987654321', at: 'email', expect: 'email' },
  { input: '/skip', at: 'review', expect: 'kiểm tra lại' },
];

/** The same walk in English, with the English words and buttons. */
export const WALK_EN: ReadonlyArray<{ input: string; at: string; expect: string }> = [
  { input: '/new', at: 'consent', expect: 'Do you agree' },
  { input: 'I agree', at: 'category', expect: 'Which area' },
  { input: '1', at: 'agency', expect: 'Which agency' },
  { input: "Don't know (the Government Office routes it)", at: 'title', expect: 'short title' },
  { input: 'A test title', at: 'content', expect: 'Describe your PAKN' },
  { input: 'Some test content about a procedure.', at: 'content-more', expect: '/3000' },
  { input: 'done', at: 'files', expect: 'Step 5/7' },
  { input: 'skip', at: 'name', expect: 'full name' },
  { input: 'Tran Thi Binh', at: 'phone', expect: 'mobile phone' },
  { input: '0987654321', at: 'email', expect: 'email' },
  { input: '/skip', at: 'review', expect: 'Please check' },
];

export const WALK_STEPS = WALK_VI.map((s) => s.at);

/** Sends inputs until the bot asks for `step`; returns the last reply text. */
export async function walkTo(chat: Chat, step: string, walk = WALK_VI): Promise<string> {
  let last = '';
  for (const s of walk) {
    last = await chat.sayText(s.input);
    if (!last.includes(s.expect))
      throw new Error(`walk: after "${s.input}" expected "${s.expect}", got: ${last}`);
    if (s.at === step) return last;
  }
  throw new Error(`no step ${step}`);
}
