import { randomBytes } from 'node:crypto';
import type { Clock } from '../../src/domain/ports/clock';
import type { ConversationStorage } from '../../src/domain/ports/conversation-storage';
import type { Locale } from '../../src/domain/complaint';
import { webSessionKey } from '../../src/application/citizen/chat-state';

/** One line of a web chat, as the page shows it. */
export interface WebMessage {
  seq: number;
  from: 'bot' | 'user';
  text?: string;
  /** Buttons offered with this bot message. */
  choices?: string[];
  /** Images (data: URLs only: the captcha). */
  images?: Array<{ src: string; alt?: string }>;
  /** Names of files the citizen sent, or of documents in an answer. */
  files?: string[];
  at: string;
}

export interface WebSession {
  id: string;
  locale: Locale;
  createdAt: string;
  lastActiveAt: string;
  nextSeq: number;
  messages: WebMessage[];
}

/** Sessions idle longer than this are gone (a returning visitor starts again). */
export const WEB_SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** The newest messages kept per session. */
export const WEB_MESSAGES_KEPT = 200;

const key = webSessionKey;
export const SESSION_ID_RE = /^[A-Za-z0-9_-]{22,64}$/;

/**
 * Web chat sessions and their messages, in the ConversationStorage (so the delivery workers, maybe in
 * another process, can append an answer that the visitor sees when they come back). The session id is
 * an opaque 128-bit random value: knowing it is what gives access to the conversation.
 */
export class WebChatStore {
  constructor(
    private readonly storage: ConversationStorage,
    private readonly clock: Clock,
  ) {}

  async create(locale: Locale): Promise<WebSession> {
    const now = this.clock.now().toISOString();
    const session: WebSession = {
      id: randomBytes(16).toString('base64url'),
      locale,
      createdAt: now,
      lastActiveAt: now,
      nextSeq: 1,
      messages: [],
    };
    const { id, ...rest } = session;
    await this.storage.write({ [key(id)]: { ...rest } });
    return session;
  }

  async get(id: string): Promise<WebSession | undefined> {
    if (!SESSION_ID_RE.test(id)) return undefined;
    const item = (await this.storage.read([key(id)]))[key(id)];
    if (!item) return undefined;
    const { eTag: _eTag, ...rest } = item;
    const s = { ...(rest as Omit<WebSession, 'id'>), id };
    if (Date.parse(s.lastActiveAt) + WEB_SESSION_TTL_MS < this.clock.now().getTime()) return undefined;
    return s;
  }

  /** Appends messages (numbering them) with an eTag check, retried on a concurrent write. */
  async append(
    id: string,
    messages: Array<Omit<WebMessage, 'seq' | 'at'>>,
    touch = false,
  ): Promise<WebMessage[]> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const item = (await this.storage.read([key(id)]))[key(id)];
      if (!item) throw new Error('web chat session not found');
      const { eTag, ...rest } = item;
      const s = rest as Omit<WebSession, 'id'>;
      const at = this.clock.now().toISOString();
      const added = messages.map((m, i) => ({ ...m, seq: s.nextSeq + i, at }));
      const next = {
        ...s,
        nextSeq: s.nextSeq + added.length,
        lastActiveAt: touch ? at : s.lastActiveAt,
        messages: [...s.messages, ...added].slice(-WEB_MESSAGES_KEPT),
      };
      try {
        await this.storage.write({ [key(id)]: { ...next, eTag } });
        return added;
      } catch (err) {
        if ((err as Error).name !== 'ETagConflictError') throw err;
      }
    }
    throw new Error('web chat session: too many concurrent writes');
  }
}
