import type { Account } from '../../../src/domain/account';
import type { Agency } from '../../../src/domain/agency';
import { AlreadyExistsError, NotFoundError } from '../../../src/domain/errors';
import type { StoreFactory } from './factories';
import { at, DAY, T0 } from './fixtures';
import { describeStores } from './run-contract';

function agency(code: string, o: Partial<Agency> = {}): Agency {
  const dot = code.lastIndexOf('.');
  return {
    code,
    name: `Cơ quan ${code}`,
    kind: code === 'vpcp' ? 'central' : dot === -1 ? 'ministry' : 'unit',
    parent: code === 'vpcp' ? null : dot === -1 ? 'vpcp' : code.slice(0, dot),
    reviewBeforePublish: false,
    active: true,
    ...o,
  };
}

function account(username: string, o: Partial<Account> = {}): Account {
  return {
    username,
    displayName: `Cán bộ ${username}`,
    agency: 'btc',
    role: 'reception',
    passwordHash: '$2a$10$abcdefghijklmnopqrstuv',
    active: true,
    failedLogins: 0,
    lockedUntil: null,
    createdAt: T0,
    updatedAt: T0,
    ...o,
  };
}

export function agencyStoreContract(factory: StoreFactory): void {
  describeStores('AgencyStore', factory, (h) => {
    const store = () => h.stores.agencies;

    it('creates, gets and lists agencies', async () => {
      for (const code of ['vpcp', 'btc', 'btc.tchq', 'hno']) await store().create(agency(code));
      expect(await store().get('btc.tchq')).toEqual(agency('btc.tchq'));
      expect(await store().get('vpcp')).toEqual(agency('vpcp'));
      expect(await store().get('nowhere')).toBeNull();
      const listed = await store().list();
      expect(listed.map((a) => a.code).sort()).toEqual(['btc', 'btc.tchq', 'hno', 'vpcp']);
      expect(listed.find((a) => a.code === 'hno')).toEqual(agency('hno'));
    });

    it('refuses a second create of one code with AlreadyExistsError and keeps the first', async () => {
      await store().create(agency('btc', { name: 'Bộ Tài chính' }));
      await expect(store().create(agency('btc', { name: 'khác' }))).rejects.toBeInstanceOf(
        AlreadyExistsError,
      );
      expect((await store().get('btc'))!.name).toBe('Bộ Tài chính');
    });

    it('upserts: creates when missing, replaces when present', async () => {
      await store().upsert(agency('hno', { reviewBeforePublish: true }));
      expect((await store().get('hno'))!.reviewBeforePublish).toBe(true);
      await store().upsert(
        agency('hno', { name: 'UBND TP Hà Nội', active: false, reviewBeforePublish: false }),
      );
      expect(await store().get('hno')).toEqual(agency('hno', { name: 'UBND TP Hà Nội', active: false }));
      expect(await store().list()).toHaveLength(1);
    });
  });
}

export function accountStoreContract(factory: StoreFactory): void {
  describeStores('AccountStore', factory, (h) => {
    const store = () => h.stores.accounts;

    it('creates, gets and lists accounts, by agency too', async () => {
      await store().create(account('btc.nl'));
      await store().create(
        account('btc.tchq.nl', { agency: 'btc.tchq', role: 'processing', email: 'tchq@example.vn' }),
      );
      await store().create(account('hno.nl', { agency: 'hno' }));
      expect(await store().get('btc.tchq.nl')).toEqual(
        account('btc.tchq.nl', { agency: 'btc.tchq', role: 'processing', email: 'tchq@example.vn' }),
      );
      expect(await store().get('btc.nl')).toEqual(account('btc.nl'));
      expect(await store().get('nobody')).toBeNull();
      expect((await store().list()).map((a) => a.username).sort()).toEqual([
        'btc.nl',
        'btc.tchq.nl',
        'hno.nl',
      ]);
      expect((await store().list({ agency: 'btc' })).map((a) => a.username)).toEqual(['btc.nl']);
      expect(await store().list({ agency: 'nowhere' })).toEqual([]);
    });

    it('refuses a taken username with AlreadyExistsError', async () => {
      await store().create(account('admin', { role: 'admin' }));
      await expect(store().create(account('admin', { role: 'viewer' }))).rejects.toBeInstanceOf(
        AlreadyExistsError,
      );
      expect((await store().get('admin'))!.role).toBe('admin');
    });

    it('updates the mutable fields and the update time, leaving the rest', async () => {
      await store().create(account('btc.nl'));
      const lockedUntil = at(DAY);
      const updated = await store().update('btc.nl', { failedLogins: 5, lockedUntil, role: 'processing' });
      expect(updated).toMatchObject({
        failedLogins: 5,
        lockedUntil,
        role: 'processing',
        displayName: 'Cán bộ btc.nl',
      });
      expect(updated.updatedAt.getTime()).toBeGreaterThan(T0.getTime());
      expect(updated.createdAt).toEqual(T0);
      expect(await store().get('btc.nl')).toEqual(updated);
      const unlocked = await store().update('btc.nl', { failedLogins: 0, lockedUntil: null, active: false });
      expect(unlocked).toMatchObject({
        failedLogins: 0,
        lockedUntil: null,
        active: false,
        role: 'processing',
      });
      expect(await store().get('btc.nl')).toEqual(unlocked);
    });

    it('fails with NotFoundError when updating an unknown account', async () => {
      await expect(store().update('nobody', { active: false })).rejects.toBeInstanceOf(NotFoundError);
      expect(await store().get('nobody')).toBeNull();
    });
  });
}
