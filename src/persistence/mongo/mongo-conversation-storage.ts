import { randomUUID } from 'node:crypto';

import type { Model } from 'mongoose';

import {
  ETagConflictError,
  jsonToWrite,
  parseStoredItem,
  type PurgeableConversationStorage,
  type StoreItems,
} from '../../domain/ports/conversation-storage';
import type { Clock } from '../../domain/ports/clock';
import type { ConversationDocument } from './documents';
import { isDuplicateKeyError } from './mongo-errors';

const isGuarded = (eTag: unknown): eTag is string => typeof eTag === 'string' && eTag !== '*';

/**
 * botbuilder Storage on MongoDB, one document per key. A write with no eTag or `*` overwrites; with
 * an eTag it replaces only the item holding that eTag, in one conditional upsert: if the key exists
 * with another eTag the upsert's insert hits the `_id` index and the write fails with
 * ETagConflictError; if the key does not exist it is created (as botbuilder's MemoryStorage does).
 * Every write issues a new eTag.
 *
 * @remarks Each key is written atomically; a batch of several keys is not (that would need a
 * multi-document transaction). All guarded eTags are checked before anything is written, so a
 * stale turn normally changes nothing; only a write racing in between can leave a batch half done,
 * and that write's own turn then fails on its next save.
 */
export class MongoConversationStorage implements PurgeableConversationStorage {
  constructor(
    private readonly model: Model<ConversationDocument>,
    private readonly clock: Clock,
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    const wanted = keys.filter((k): k is string => typeof k === 'string');
    if (wanted.length === 0) return {};
    const docs = await this.model.find({ _id: { $in: wanted } }).lean<ConversationDocument[]>();
    const out: StoreItems = {};
    for (const d of docs) out[d._id] = parseStoredItem(d.json, d.eTag);
    return out;
  }

  async write(changes: StoreItems): Promise<void> {
    const entries = Object.entries(changes);
    const guarded = entries.filter(([, item]) => isGuarded(item?.eTag));
    if (guarded.length > 0) {
      const current = await this.model
        .find({ _id: { $in: guarded.map(([k]) => k) } }, { eTag: 1 })
        .lean<Array<Pick<ConversationDocument, '_id' | 'eTag'>>>();
      const stored = new Map(current.map((d) => [d._id, d.eTag]));
      for (const [key, item] of guarded) {
        const tag = stored.get(key);
        if (tag !== undefined && tag !== item.eTag) throw new ETagConflictError(key);
      }
    }
    const now = this.clock.now();
    for (const [key, item] of entries) {
      const eTag = item?.eTag;
      const set = { eTag: randomUUID(), json: jsonToWrite(item ?? {}), updatedAt: now };
      if (!isGuarded(eTag)) {
        await this.model.updateOne({ _id: key }, { $set: set }, { upsert: true });
        continue;
      }
      try {
        await this.model.updateOne({ _id: key, eTag }, { $set: set }, { upsert: true });
      } catch (err) {
        if (isDuplicateKeyError(err)) throw new ETagConflictError(key);
        throw err;
      }
    }
  }

  async delete(keys: string[]): Promise<void> {
    const wanted = keys.filter((k): k is string => typeof k === 'string');
    if (wanted.length > 0) await this.model.deleteMany({ _id: { $in: wanted } });
  }

  async purgeIdleConversations(before: Date): Promise<number> {
    const r = await this.model.deleteMany({ updatedAt: { $lt: before }, _id: /\/conversations\// });
    return r.deletedCount;
  }

  async purgeIdleUnder(keyPrefix: string, before: Date): Promise<number> {
    if (!keyPrefix) throw new Error('purgeIdleUnder needs a key prefix');
    // An anchored regex on _id uses the index; the prefix is escaped so it matches literally.
    const literal = keyPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const r = await this.model.deleteMany({ updatedAt: { $lt: before }, _id: new RegExp(`^${literal}`) });
    return r.deletedCount;
  }
}
