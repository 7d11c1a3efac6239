import mongoose from 'mongoose';

import { systemClock, type Clock } from '../../domain/ports/clock';
import type { Stores } from '../../domain/ports';
import type { TrackingCode } from '../../domain/tracking-code';
import type { Logger } from '../../shared/logger';
import {
  accountSchema,
  agencySchema,
  complaintSchema,
  conversationSchema,
  inboundDedupeSchema,
  type AccountDocument,
  type AgencyDocument,
  type ComplaintDocument,
  type ConversationDocument,
  type InboundDedupeDocument,
} from './documents';
import { MongoAccountStore } from './mongo-account-store';
import { MongoAgencyStore } from './mongo-agency-store';
import { MongoComplaintStore } from './mongo-complaint-store';
import { MongoConversationStorage } from './mongo-conversation-storage';
import { MongoInboundDedupe } from './mongo-inbound-dedupe';

export interface MongoStoresOptions {
  /** `mongodb://` or `mongodb+srv://` connection string (MONGODB_URI). */
  uri: string;
  /**
   * Acknowledgement every write waits for. A tracking code is issued only after this acknowledgement.
   * Writes are also journaled (`j: true`).
   * @defaultValue `'majority'` (from MONGODB_WRITE_CONCERN)
   */
  writeConcern: 'majority' | number;
  /** Database name; defaults to the one in the URI. Tests pass a unique name per run. */
  dbName?: string;
  logger?: Logger;
  /** Time source for dedupe expiry and account/conversation timestamps. @defaultValue systemClock */
  clock?: Clock;
  /** Tracking-code source; tests inject one that collides to prove the retry. */
  generateCode?: () => TrackingCode;
  /** How long to wait for a server at start. @defaultValue 10000 */
  serverSelectionTimeoutMS?: number;
}

/** The stores on one dedicated mongoose connection, which the caller may also use for GridFS. */
export interface MongoStores extends Stores {
  readonly kind: 'mongo';
  readonly connection: mongoose.Connection;
}

/** The options of the dedicated connection; exported so a test can check the driver reads them as meant. */
export function mongoConnectOptions(options: MongoStoresOptions): mongoose.ConnectOptions {
  const connect: mongoose.ConnectOptions = {
    writeConcern: { w: options.writeConcern, journal: true },
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000,
    // Fail fast instead of queueing operations while disconnected.
    bufferCommands: false,
    // Indexes are built once, explicitly, by connectMongoStores.
    autoIndex: false,
    autoCreate: false,
  };
  if (options.dbName !== undefined) connect.dbName = options.dbName;
  return connect;
}

/**
 * Opens a dedicated connection (never mongoose's global default), builds the indexes the stores
 * rely on (the unique index on `code` must exist before the first create), and returns the stores.
 *
 * Indexes are created explicitly here rather than by mongoose's autoIndex, so a start fails loudly
 * when an index cannot be built. Index changes are additive: an index dropped from the schemas is
 * not dropped from the database automatically.
 */
export async function connectMongoStores(options: MongoStoresOptions): Promise<MongoStores> {
  const log = options.logger?.child({ module: 'store:mongo' });
  const clock = options.clock ?? systemClock;
  const connection = mongoose.createConnection(options.uri, mongoConnectOptions(options));
  try {
    await connection.asPromise();

    const complaints = connection.model<ComplaintDocument>('Complaint', complaintSchema());
    const agencies = connection.model<AgencyDocument>('Agency', agencySchema());
    const accounts = connection.model<AccountDocument>('Account', accountSchema());
    const conversations = connection.model<ConversationDocument>('ConversationState', conversationSchema());
    const dedupe = connection.model<InboundDedupeDocument>('InboundDedupe', inboundDedupeSchema());
    for (const model of [complaints, agencies, accounts, conversations, dedupe]) await model.createIndexes();
    log?.info({ db: connection.name, writeConcern: options.writeConcern }, 'mongo stores ready');

    return {
      kind: 'mongo',
      connection,
      complaints: new MongoComplaintStore(complaints, { logger: log, generateCode: options.generateCode }),
      agencies: new MongoAgencyStore(agencies),
      accounts: new MongoAccountStore(accounts, clock),
      conversations: new MongoConversationStorage(conversations, clock),
      dedupe: new MongoInboundDedupe(dedupe, clock),
      async ping() {
        const db = connection.db;
        if (!db) throw new Error('MongoDB connection is not open');
        await db.admin().ping();
      },
      async close() {
        await connection.close();
      },
    };
  } catch (err) {
    await connection.close().catch(() => undefined);
    throw err;
  }
}

export { MongoComplaintStore } from './mongo-complaint-store';
