import mongoose from 'mongoose';

import type { Account } from '../../../../src/domain/account';
import type { Agency } from '../../../../src/domain/agency';
import {
  accountFromDocument,
  accountPatchToUpdate,
  accountToDocument,
} from '../../../../src/persistence/mongo/mongo-account-store';
import { agencyFromDocument, agencyToDocument } from '../../../../src/persistence/mongo/mongo-agency-store';
import {
  accountSchema,
  agencySchema,
  complaintSchema,
  conversationSchema,
  inboundDedupeSchema,
} from '../../../../src/persistence/mongo/documents';
import { isDuplicateKeyError } from '../../../../src/persistence/mongo/mongo-errors';
import { claimFilter } from '../../../../src/persistence/mongo/mongo-inbound-dedupe';

type IndexSpec = [Record<string, unknown>, Record<string, unknown>];

function indexes(schema: mongoose.Schema): IndexSpec[] {
  return schema.indexes() as IndexSpec[];
}

/** The index whose leading key is `field`, if any. */
function leadingOn(list: IndexSpec[], field: string): IndexSpec | undefined {
  return list.find(([keys]) => Object.keys(keys)[0] === field);
}

describe('complaint collection indexes', () => {
  const list = indexes(complaintSchema());

  it('should make code unique', () => {
    expect(list).toContainEqual([{ code: 1 }, expect.objectContaining({ unique: true })]);
  });

  it('should lead an index with every list filter field, ending in the list order where a page walks it', () => {
    for (const field of ['owner', 'status', 'channelRef.channel', 'category', 'answer.published']) {
      const [keys] = leadingOn(list, field) ?? [{}];
      expect(keys).toMatchObject({ [field]: 1, createdAt: -1, code: -1 });
    }
    expect(leadingOn(list, 'createdAt')?.[0]).toEqual({ createdAt: -1, code: -1 });
    expect(leadingOn(list, 'coordinators')).toBeDefined();
    expect(list).toContainEqual([{ status: 1, dueAt: 1 }, expect.anything()]);
    expect(leadingOn(list, 'submitter.phone')).toBeDefined();
    expect(leadingOn(list, 'submitterEmail')).toBeDefined();
  });

  it('should index the search words in search page order (and have no $text index, whose semantics differ from the port)', () => {
    expect(leadingOn(list, 'searchWords')?.[0]).toEqual({ searchWords: 1, _id: -1 });
    expect(list.filter(([keys]) => Object.values(keys).includes('text'))).toEqual([]);
  });

  it('should index only PAKN with pending outbox events', () => {
    for (const field of ['outbox.at', 'outbox.id']) {
      expect(leadingOn(list, field)?.[1]).toMatchObject({
        partialFilterExpression: { 'outbox.at': { $exists: true } },
      });
    }
  });
});

describe('other collections', () => {
  it('should make agency codes and usernames unique', () => {
    expect(indexes(agencySchema())).toContainEqual([{ code: 1 }, expect.objectContaining({ unique: true })]);
    expect(indexes(accountSchema())).toContainEqual([
      { username: 1 },
      expect.objectContaining({ unique: true }),
    ]);
  });

  it('should expire dedupe records through a TTL index on expiresAt', () => {
    expect(indexes(inboundDedupeSchema())).toEqual([
      [{ expiresAt: 1 }, expect.objectContaining({ expireAfterSeconds: 0 })],
    ]);
  });

  it('should key conversations and dedupe records by _id', () => {
    expect(conversationSchema().path('_id').instance).toBe('String');
    expect(inboundDedupeSchema().path('_id').instance).toBe('String');
  });

  it('should name every collection explicitly and turn off mongoose autoIndex and __v', () => {
    const names = [
      complaintSchema(),
      agencySchema(),
      accountSchema(),
      conversationSchema(),
      inboundDedupeSchema(),
    ].map((s) => {
      expect(s.get('versionKey')).toBe(false);
      expect(s.get('autoIndex')).toBe(false);
      expect(s.get('strict')).toBe('throw');
      return s.get('collection');
    });
    expect(names).toEqual(['complaints', 'agencies', 'accounts', 'conversations', 'inbound_dedupe']);
  });
});

describe('agency and account mapping', () => {
  const conn = mongoose.createConnection();
  afterAll(() => conn.close());

  it('should round-trip an agency through the strict schema, the central office with a null parent', () => {
    const Agency = conn.model('AgencyProbe', agencySchema());
    const agencies: Agency[] = [
      {
        code: 'vpcp',
        name: 'Văn phòng Chính phủ',
        kind: 'central',
        parent: null,
        reviewBeforePublish: false,
        active: true,
      },
      {
        code: 'btc.tchq',
        name: 'Tổng cục Hải quan',
        kind: 'unit',
        parent: 'btc',
        reviewBeforePublish: true,
        active: false,
      },
    ];
    for (const a of agencies) {
      const doc = new Agency(agencyToDocument(a));
      expect(doc.validateSync()).toBeUndefined();
      const { _id, ...plain } = doc.toObject();
      expect(_id).toBeDefined();
      expect(agencyFromDocument(plain)).toStrictEqual(a);
    }
  });

  const account: Account = {
    username: 'btc.nl',
    displayName: 'Tiếp nhận BTC',
    agency: 'btc',
    role: 'reception',
    passwordHash: '$2b$10$abcdefghijklmnopqrstuv',
    active: true,
    failedLogins: 0,
    lockedUntil: null,
    createdAt: new Date('2026-11-01T00:00:00Z'),
    updatedAt: new Date('2026-11-01T00:00:00Z'),
  };

  it('should round-trip an account through the strict schema', () => {
    const Account = conn.model('AccountProbe', accountSchema());
    for (const a of [
      account,
      {
        ...account,
        lockedUntil: new Date('2026-11-02T00:00:00Z'),
        failedLogins: 5,
        email: 'btc.nl@example.vn',
      },
    ]) {
      const doc = new Account(accountToDocument(a));
      expect(doc.validateSync()).toBeUndefined();
      const { _id, ...plain } = doc.toObject();
      expect(_id).toBeDefined();
      expect(accountFromDocument(plain)).toStrictEqual(a);
    }
    expect(
      new Account({ ...accountToDocument(account), role: 'root' }).validateSync()?.errors.role,
    ).toBeDefined();
  });

  it('should $set only the mutable fields of a patch, and the update time', () => {
    const now = new Date('2026-11-28T00:00:00Z');
    const hostile = {
      role: 'admin',
      username: 'someone.else',
      agency: 'vpcp',
      createdAt: new Date(0),
    } as never;
    expect(accountPatchToUpdate(hostile, now)).toEqual({ $set: { updatedAt: now, role: 'admin' } });
    expect(accountPatchToUpdate({ lockedUntil: null, failedLogins: 0 }, now)).toEqual({
      $set: { updatedAt: now, lockedUntil: null, failedLogins: 0 },
    });
  });

  it('should set an e-mail given in a patch and remove it for null or empty, as the SQLite adapter does', () => {
    const now = new Date('2026-11-28T00:00:00Z');
    const upd = (email: unknown) => accountPatchToUpdate({ email } as never, now);
    expect(upd('a@b.vn')).toEqual({ $set: { updatedAt: now, email: 'a@b.vn' } });
    expect(upd(null)).toEqual({ $set: { updatedAt: now }, $unset: { email: 1 } });
    expect(upd('')).toEqual({ $set: { updatedAt: now }, $unset: { email: 1 } });
    expect(upd({ $gt: '' })).toEqual({ $set: { updatedAt: now } });
  });
});

describe('isDuplicateKeyError', () => {
  it('should recognise error 11000 on the named index only', () => {
    const dup = { code: 11000, keyPattern: { code: 1 } };
    expect(isDuplicateKeyError(dup)).toBe(true);
    expect(isDuplicateKeyError(dup, 'code')).toBe(true);
    expect(isDuplicateKeyError(dup, 'username')).toBe(false);
    expect(isDuplicateKeyError({ code: 11001 })).toBe(false);
    expect(isDuplicateKeyError(null)).toBe(false);
    expect(isDuplicateKeyError(new Error('boom'))).toBe(false);
  });
});

describe('dedupe claim filter', () => {
  it('should match only an expired record of the key, and cast as written', () => {
    const conn = mongoose.createConnection();
    const Dedupe = conn.model('DedupeProbe', inboundDedupeSchema());
    const now = new Date('2026-11-28T00:00:00Z');
    const filter = claimFilter('telegram:1', now);
    expect(filter).toEqual({ _id: 'telegram:1', expiresAt: { $lte: now } });
    expect(Dedupe.updateOne(filter, { $set: { expiresAt: now } }, { upsert: true }).cast()).toEqual(filter);
    return conn.close();
  });
});
