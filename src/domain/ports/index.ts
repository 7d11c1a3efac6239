export * from './agency-store';
export * from './clock';
export * from './complaint-store';
export * from './conversation-storage';
export * from './file-store';
export * from './inbound-dedupe';
export * from './job-queue';

import type { AccountStore, AgencyStore } from './agency-store';
import type { ComplaintStore } from './complaint-store';
import type { PurgeableConversationStorage } from './conversation-storage';
import type { InboundDedupe } from './inbound-dedupe';

/** Everything a persistence adapter (SQLite or MongoDB) provides, built together and closed together. */
export interface Stores {
  readonly kind: 'sqlite' | 'mongo';
  complaints: ComplaintStore;
  agencies: AgencyStore;
  accounts: AccountStore;
  conversations: PurgeableConversationStorage;
  dedupe: InboundDedupe;
  /** Throws if the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
export * from './channel-sender';
