import { inboxFilter, type Officer } from '../../../../src/application/officers';
import { AGENCIES } from './fakes';

const btc: Officer = { username: 'btc.nl', agency: 'btc', role: 'reception' };
const now = new Date('2026-03-03T03:00:00Z');

describe('inboxFilter', () => {
  it('should keep the subtree in every view and narrow it by view', () => {
    expect(inboxFilter(btc, { view: 'new' }, now, AGENCIES)).toEqual({
      ownerSubtree: 'btc',
      owners: ['btc'],
      status: ['received'],
    });
    expect(inboxFilter(btc, { view: 'direct' }, now, AGENCIES)).toEqual({
      ownerSubtree: 'btc',
      owners: ['btc'],
      status: ['processing'],
    });
    expect(inboxFilter(btc, { view: 'forwarded' }, now, AGENCIES)).toEqual({
      ownerSubtree: 'btc',
      owners: ['btc.tchq'],
    });
    expect(inboxFilter(btc, { view: 'overdue' }, now, AGENCIES)).toEqual({
      ownerSubtree: 'btc',
      overdueAt: now,
    });
    expect(inboxFilter(btc, {}, now, AGENCIES)).toEqual({ ownerSubtree: 'btc' });
  });

  it('should let a status filter narrow a view but never widen it', () => {
    expect(inboxFilter(btc, { view: 'new', status: ['answered'] }, now, AGENCIES)).toBeNull();
    expect(
      inboxFilter(btc, { view: 'answered', status: ['answered', 'received'] }, now, AGENCIES),
    ).toMatchObject({ status: ['answered'] });
    expect(inboxFilter(btc, { status: ['rejected'] }, now, AGENCIES)).toMatchObject({
      ownerSubtree: 'btc',
      status: ['rejected'],
    });
  });

  it('should have no forwarded view for a unit without sub-units, and pass the other filters through', () => {
    expect(inboxFilter({ ...btc, agency: 'btc.tchq' }, { view: 'forwarded' }, now, AGENCIES)).toBeNull();
    const from = new Date('2026-01-01');
    expect(
      inboxFilter(
        btc,
        { category: ['tthc'], channel: ['zalo'], from, q: '  giấy phép ', overdue: true },
        now,
        AGENCIES,
      ),
    ).toEqual({
      ownerSubtree: 'btc',
      category: ['tthc'],
      channel: ['zalo'],
      from,
      q: 'giấy phép',
      overdueAt: now,
    });
  });
});
