import type { ConversationStorage } from '../../domain/ports';

/** A refresh token as stored: only the sha256 of the token is the key, so a leaked table gives no token. */
export interface RefreshTokenRecord {
  username: string;
  /** All tokens rotated from one login share a family; a replayed token revokes the family. */
  family: string;
  expiresAt: Date;
}

/**
 * Storage of refresh tokens with one atomic operation, `take`: of two concurrent takes of one token at
 * most one gets the record, so a token can be rotated exactly once.
 */
export interface RefreshTokenStore {
  save(hash: string, record: RefreshTokenRecord): Promise<void>;
  /**
   * Marks the token used and returns its record; `reused` when it had been used before (a replay:
   * the caller revokes the family), `null` when unknown or the family is revoked.
   */
  take(hash: string): Promise<{ record: RefreshTokenRecord; reused: boolean } | null>;
  revokeFamily(family: string): Promise<void>;
}

/**
 * A RefreshTokenStore on the key-value port both persistence adapters already provide (botbuilder's
 * Storage shape with eTags), so tokens survive restarts and are shared by API processes without a new
 * table per adapter. Used records stay (marked) for replay detection.
 */
export class KeyValueRefreshTokenStore implements RefreshTokenStore {
  constructor(private readonly kv: ConversationStorage) {}

  async save(hash: string, record: RefreshTokenRecord): Promise<void> {
    await this.kv.write({
      [`auth/refresh/${hash}`]: {
        ...record,
        expiresAt: record.expiresAt.toISOString(),
        used: false,
        eTag: '*',
      },
    });
  }

  async take(hash: string): Promise<{ record: RefreshTokenRecord; reused: boolean } | null> {
    const key = `auth/refresh/${hash}`;
    const item = (await this.kv.read([key]))[key];
    if (!item) return null;
    const record: RefreshTokenRecord = {
      username: String(item.username),
      family: String(item.family),
      expiresAt: new Date(String(item.expiresAt)),
    };
    const famKey = `auth/family/${record.family}`;
    const fam = (await this.kv.read([famKey]))[famKey];
    if (fam?.revoked) return null;
    if (item.used) return { record, reused: true };
    try {
      await this.kv.write({ [key]: { ...item, used: true } });
    } catch {
      // Someone else rotated it between our read and write: for us it is a replay.
      return { record, reused: true };
    }
    return { record, reused: false };
  }

  async revokeFamily(family: string): Promise<void> {
    await this.kv.write({ [`auth/family/${family}`]: { revoked: true, eTag: '*' } });
  }
}
