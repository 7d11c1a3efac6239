import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { ConsentRecord } from '../src/application/citizen/submit-complaint';
import type { AppConfig } from '../src/config/config';
import type { Attachment, Locale } from '../src/domain/complaint';
import type { InboundFile } from '../src/domain/inbound-file';
import type { Limits } from '../src/domain/limits';
import type { Clock, FileStore, Stores } from '../src/domain/ports';
import type { Logger } from '../src/shared/logger';

/**
 * What the bot is built from. `stores.conversations` holds the dialog and user state;
 * `onComplaintStored` is called with the code once a PAKN is durably stored (metrics, tests).
 */
export interface PaknBotDeps {
  stores: Stores;
  files: FileStore;
  clock: Clock;
  config: AppConfig;
  logger: Logger;
  onComplaintStored?: (code: string) => void;
  /** Randomness for the web captcha; tests pass a fixed source to know the answer. Default: crypto. */
  captchaRandom?: (max: number) => number;
}

/** The PAKN being written, kept in conversation state until it is stored or cancelled. */
export interface Draft {
  startedAt: string;
  consent?: ConsentRecord;
  category?: string;
  /** Agency code; null = "don't know" (the central office routes it). */
  agency?: string | null;
  title?: string;
  content: string;
  attachments: Attachment[];
  name?: string;
  phone?: string;
  email?: string | null;
}

export interface ConvoData {
  /** Epoch ms of the last message, for idle expiry. */
  lastActivityAt?: number;
  draft?: Draft;
}

/** Remembered per channel user: language, last contact details, codes they filed here. */
export interface Profile {
  locale?: Locale;
  lastContact?: { name: string; phone: string; email?: string };
  codes?: string[];
}

export interface PendingFiles {
  files: InboundFile[];
  at: number;
}

export interface BotServices {
  deps: PaknBotDeps;
  limits: Limits;
  convo: StatePropertyAccessor<ConvoData>;
  profile: StatePropertyAccessor<Profile>;
  /**
   * Files held back until the citizen confirms keeping a (declared) identity document. In memory only:
   * their download handles cannot be stored; after a restart the citizen is asked to send them again.
   */
  pendingIdFiles: Map<string, PendingFiles>;
}

export const MAX_REMEMBERED_CODES = 20;

export function newDraft(now: Date): Draft {
  return { startedAt: now.toISOString(), content: '', attachments: [] };
}

export async function draftOf(svc: BotServices, ctx: TurnContext): Promise<Draft> {
  const convo = await svc.convo.get(ctx, {});
  if (!convo.draft) convo.draft = newDraft(svc.deps.clock.now());
  return convo.draft;
}

export async function dropDraft(svc: BotServices, ctx: TurnContext): Promise<boolean> {
  const convo = await svc.convo.get(ctx, {});
  const had = !!convo.draft;
  delete convo.draft;
  return had;
}
