/**
 * The shape of botbuilder's `Storage` (botbuilder-core), restated here so the core does not import
 * botbuilder. Items carry an `eTag`: a write whose eTag is not `*` and differs from the stored one
 * fails, so two turns of one conversation cannot silently overwrite each other.
 */
export interface StoreItem {
  eTag?: string;
  [STORED_JSON]?: string;
  [WRITE_JSON]?: string;
  [key: string]: unknown;
}

/**
 * On an item returned by `read`, the JSON the adapter parsed it from (without the eTag), when it has it:
 * a reader that wants to tell later whether it changed the item compares against it instead of
 * serialising the item again. Not enumerable: JSON, spreads and comparisons do not see it, so an item
 * spread from a read one and then changed does not carry the old text (and `write` never reads it).
 */
export const STORED_JSON: unique symbol = Symbol('pakn.storedJson');

/**
 * On an item given to `write`, its JSON (without the eTag) as its writer serialised it a moment ago, so the
 * adapter stores that text instead of serialising the item again. Non-enumerable (a spread drops it); set
 * only by `withWriteJson` on a fresh object that nothing changes afterwards (StateBag.changes).
 */
export const WRITE_JSON: unique symbol = Symbol('pakn.writeJson');

/** `item` with its JSON attached for `write` (see WRITE_JSON). */
export function withWriteJson(item: StoreItem, json: string): StoreItem {
  Object.defineProperty(item, WRITE_JSON, { value: json, enumerable: false });
  return item;
}

/** The JSON an adapter stores for `item`: what its writer attached, else the item without its eTag. */
export function jsonToWrite(item: StoreItem): string {
  const given = item[WRITE_JSON];
  if (given !== undefined) return given;
  const { eTag: _eTag, ...data } = item;
  return JSON.stringify(data);
}

/** A stored item from its JSON and eTag, carrying its JSON as STORED_JSON. */
export function parseStoredItem(json: string, eTag: string): StoreItem {
  const item = JSON.parse(json) as StoreItem;
  item.eTag = eTag;
  Object.defineProperty(item, STORED_JSON, { value: json, enumerable: false });
  return item;
}

export type StoreItems = Record<string, StoreItem>;

export interface ConversationStorage {
  read(keys: string[]): Promise<StoreItems>;
  write(changes: StoreItems): Promise<void>;
  delete(keys: string[]): Promise<void>;
}

/** What the persistence adapters add to ConversationStorage: housekeeping of abandoned conversations. */
export interface PurgeableConversationStorage extends ConversationStorage {
  /**
   * Deletes conversation state (`…/conversations/…` keys: the dialog stack and any half-made PAKN in it)
   * not written since `before`; user state (language, remembered contact details) is kept. Drafts that
   * a citizen abandoned hold personal data nobody will use: they must not be kept indefinitely.
   * Returns how many were deleted.
   */
  purgeIdleConversations(before: Date): Promise<number>;
  /**
   * Deletes the records whose key starts with `keyPrefix` and that were not written since `before`
   * (records kept only while they matter, e.g. the Zalo reply windows). Returns how many were deleted.
   */
  purgeIdleUnder(keyPrefix: string, before: Date): Promise<number>;
}

/** Error thrown by `write` on an eTag mismatch. */
export class ETagConflictError extends Error {
  constructor(readonly storageKey: string) {
    super(`eTag conflict for ${storageKey}`);
    this.name = 'ETagConflictError';
  }
}
