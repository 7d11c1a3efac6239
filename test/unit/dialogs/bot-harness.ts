import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestAdapter, type Activity, type ConversationReference } from 'botbuilder';
import pino from 'pino';
import { loadConfig, type AppConfig } from '../../../src/config/config';
import { INBOUND_FILE_CONTENT_TYPE, type InboundFile } from '../../../src/domain/inbound-file';
import { LimitError } from '../../../src/domain/errors';
import type { Clock } from '../../../src/domain/ports/clock';
import { LocalFileStore } from '../../../src/files/local-file-store';
import { openSqliteStores, type SqliteStores } from '../../../src/persistence/sqlite';
import { createPaknBot, TurnSerializer, turnKey, type PaknBot } from '../../../dialogs';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private t = new Date('2026-03-02T02:00:00Z')) {}
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t = new Date(this.t.getTime() + ms);
  }
}

export interface Harness {
  dir: string;
  stores: SqliteStores;
  files: LocalFileStore;
  clock: ManualClock;
  config: AppConfig;
  bot: PaknBot;
  stored: string[];
  serializer: TurnSerializer;
  /** A chat: `say` sends one activity and returns every reply of that turn. */
  chat(opts?: ChatOptions): Chat;
  close(): Promise<void>;
}

export interface ChatOptions {
  channelId?: string;
  locale?: string;
  conversationId?: string;
  userId?: string;
  /** Skip the turn serializer (to exercise the optimistic state writes alone). */
  unserialized?: boolean;
}

export interface Chat {
  adapter: TestAdapter;
  say(input: string | Partial<Activity>): Promise<Partial<Activity>[]>;
  /** Replies joined into one text, for `toContain` checks. */
  sayText(input: string | Partial<Activity>): Promise<string>;
}

export async function createHarness(env: Record<string, string> = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'pakn-dialogs-'));
  const stores = openSqliteStores({ file: join(dir, 'pakn.sqlite') });
  const files = new LocalFileStore(join(dir, 'files'));
  const clock = new ManualClock();
  const config = loadConfig({ DATA_DIR: dir, PUBLIC_BASE_URL: 'https://pakn.example.vn', ...env });
  const stored: string[] = [];
  const now = clock.now();
  await stores.agencies.upsert({
    code: 'vpcp',
    name: 'Văn phòng Chính phủ',
    kind: 'central',
    parent: null,
    reviewBeforePublish: false,
    active: true,
  });
  await stores.agencies.upsert({
    code: 'btc',
    name: 'Bộ Tài chính',
    kind: 'ministry',
    parent: 'vpcp',
    reviewBeforePublish: true,
    active: true,
  });
  await stores.agencies.upsert({
    code: 'hno',
    name: 'UBND TP Hà Nội',
    kind: 'province',
    parent: 'vpcp',
    reviewBeforePublish: false,
    active: true,
  });
  await stores.agencies.upsert({
    code: 'btc.tchq',
    name: 'Tổng cục Hải quan',
    kind: 'unit',
    parent: 'btc',
    reviewBeforePublish: false,
    active: true,
  });
  void now;
  const bot = createPaknBot({
    stores,
    files,
    clock,
    config,
    logger: pino({ level: 'silent' }),
    onComplaintStored: (code) => stored.push(code),
    // Always 0: every captcha reads "22222".
    captchaRandom: () => 0,
  });
  const serializer = new TurnSerializer();
  let n = 0;
  return {
    dir,
    stores,
    files,
    clock,
    config,
    bot,
    stored,
    serializer,
    chat(opts: ChatOptions = {}): Chat {
      n++;
      const adapter = new TestAdapter(
        (ctx) =>
          opts.unserialized ? bot.run(ctx) : serializer.run(turnKey(ctx.activity), () => bot.run(ctx)),
        { channelId: opts.channelId ?? 'telegram', locale: opts.locale ?? 'vi-VN' },
      );
      const conv: Partial<ConversationReference> = adapter.conversation;
      conv.conversation = {
        id: opts.conversationId ?? `chat-${n}`,
        isGroup: false,
        conversationType: 'personal',
        name: '',
      };
      conv.user = { id: opts.userId ?? `user-${n}`, name: 'Citizen' };
      const say = async (input: string | Partial<Activity>): Promise<Partial<Activity>[]> => {
        const before = adapter.activeQueue.length;
        await adapter.receiveActivity(
          typeof input === 'string' ? { type: 'message', text: input } : { type: 'message', ...input },
        );
        return adapter.activeQueue.splice(before);
      };
      return {
        adapter,
        say,
        async sayText(input) {
          return (await say(input)).map((a) => a.text ?? '').join('\n---\n');
        },
      };
    },
    async close() {
      await stores.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function fileActivity(file: InboundFile, caption?: string): Partial<Activity> {
  return {
    type: 'message',
    text: caption,
    attachments: [{ contentType: INBOUND_FILE_CONTENT_TYPE, name: file.name, content: file }],
  };
}

export const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('fake png body'),
]);
export const PDF = Buffer.from('%PDF-1.4\n%fake\n');

/** An inbound file whose bytes are `bytes` (a per-file suffix keeps sha256 distinct). */
export function inbound(
  bytes: Buffer,
  opts: { name?: string; size?: number; kind?: InboundFile['kind']; tag?: string } = {},
): InboundFile {
  const body = opts.tag ? Buffer.concat([bytes, Buffer.from(opts.tag)]) : bytes;
  return {
    name: opts.name,
    size: opts.size,
    kind: opts.kind ?? 'photo',
    async download(maxBytes: number) {
      if (body.length > maxBytes)
        throw new LimitError('limits.file_too_large', {
          limit: maxBytes,
          actual: body.length,
          limitMb: 0,
          actualMb: 0,
        });
      return body;
    },
  };
}
