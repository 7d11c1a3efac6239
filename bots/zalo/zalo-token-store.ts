import type { ConversationStorage } from '../../src/domain/ports/conversation-storage';

export interface ZaloTokens {
  accessToken?: string;
  refreshToken?: string;
  /** ms since the epoch; undefined when unknown (a token given in config). */
  expiresAt?: number;
  /** The configured refresh token these descend from: a new one in config means the OA was re-granted. */
  seed?: string;
}

/** The system key the rotated Zalo tokens live under in the conversation storage. */
export const ZALO_TOKENS_KEY = 'system/zalo/oa-tokens';

/**
 * Zalo's refresh token is single-use: every refresh returns a new one, which must be kept or the OA has
 * to be granted again by hand. Kept in the ConversationStorage (SQLite or MongoDB, shared by every
 * process), written with the eTag read, so two processes refreshing at once cannot both win.
 */
export class ZaloTokenStore {
  constructor(private readonly storage: ConversationStorage) {}

  async read(): Promise<{ tokens?: ZaloTokens; eTag?: string }> {
    const item = (await this.storage.read([ZALO_TOKENS_KEY]))[ZALO_TOKENS_KEY];
    if (!item) return {};
    const { eTag, ...rest } = item;
    return { tokens: rest as ZaloTokens, eTag };
  }

  /** Writes if nobody wrote since `eTag` was read (`undefined`: only if absent); false on a conflict. */
  async write(tokens: ZaloTokens, eTag: string | undefined): Promise<boolean> {
    try {
      await this.storage.write({ [ZALO_TOKENS_KEY]: { ...tokens, eTag: eTag ?? '*' } });
      return true;
    } catch (err) {
      if ((err as Error).name === 'ETagConflictError') return false;
      throw err;
    }
  }
}
