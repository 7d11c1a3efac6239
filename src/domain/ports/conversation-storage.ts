/**
 * The shape of botbuilder's `Storage` (botbuilder-core), restated here so the core does not import
 * botbuilder. Items carry an `eTag`: a write whose eTag is not `*` and differs from the stored one
 * fails, so two turns of one conversation cannot silently overwrite each other.
 */
export interface StoreItem {
  eTag?: string;
  [key: string]: unknown;
}
export type StoreItems = Record<string, StoreItem>;

export interface ConversationStorage {
  read(keys: string[]): Promise<StoreItems>;
  write(changes: StoreItems): Promise<void>;
  delete(keys: string[]): Promise<void>;
}

/** Error thrown by `write` on an eTag mismatch. */
export class ETagConflictError extends Error {
  constructor(readonly storageKey: string) {
    super(`eTag conflict for ${storageKey}`);
    this.name = 'ETagConflictError';
  }
}
