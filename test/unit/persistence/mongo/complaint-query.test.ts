import fc from 'fast-check';
import mongoose from 'mongoose';

import { isInSubtree } from '../../../../src/domain/agency';
import { ValidationError } from '../../../../src/domain/errors';
import type { ComplaintFilter } from '../../../../src/domain/ports/complaint-store';
import {
  afterCursor,
  answerCountsPipeline,
  answerTimeAtRankPipeline,
  complaintQuery,
  countByDayPipeline,
  countByPipeline,
  afterSearchCursor,
  decodeCursor,
  decodeSearchCursor,
  encodeCursor,
  encodeSearchCursor,
  escapeRegex,
  isSearch,
  SEARCH_SORT,
  nearestRank,
  ownerSubtreeRegex,
} from '../../../../src/persistence/mongo/complaint-query';
import { complaintSchema } from '../../../../src/persistence/mongo/documents';

const ALLOWED_OPERATORS = new Set(['$and', '$or', '$in', '$all', '$regex', '$gte', '$lt', '$ne', '$type']);

/** Every `$` key anywhere in a query. */
function operators(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => operators(v, out));
  else if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('$')) out.add(k);
      operators(v, out);
    }
  }
  return out;
}

const d = (iso: string) => new Date(iso);

describe('complaintQuery', () => {
  it('should match everything for an empty filter and for the central office subtree', () => {
    expect(complaintQuery({})).toEqual({});
    expect(complaintQuery({ ownerSubtree: 'vpcp' })).toEqual({});
  });

  it('should build the exact query for every filter field', () => {
    const f: ComplaintFilter = {
      ownerSubtree: 'btc',
      owners: ['btc', 'btc.tchq'],
      involving: 'btc.tchq',
      status: ['received', 'processing'],
      channel: ['zalo'],
      category: ['thue'],
      from: d('2026-11-01T00:00:00Z'),
      to: d('2026-12-01T00:00:00Z'),
      overdueAt: d('2026-11-28T00:00:00Z'),
      answeredFrom: d('2026-11-02T00:00:00Z'),
      answeredTo: d('2026-11-03T00:00:00Z'),
      answeredOnTime: false,
      published: true,
      q: 'Thuế  nhà đất, thuế',
    };
    expect(complaintQuery(f)).toEqual({
      $and: [
        { owner: { $regex: '^btc(?:\\.|$)' } },
        { owner: { $in: ['btc', 'btc.tchq'] } },
        { $or: [{ owner: 'btc.tchq' }, { coordinators: 'btc.tchq' }] },
        { status: { $in: ['received', 'processing'] } },
        { 'channelRef.channel': { $in: ['zalo'] } },
        { category: { $in: ['thue'] } },
        { createdAt: { $gte: d('2026-11-01T00:00:00Z'), $lt: d('2026-12-01T00:00:00Z') } },
        {
          status: { $in: ['received', 'processing', 'awaiting_info'] },
          dueAt: { $lt: d('2026-11-28T00:00:00Z') },
        },
        { answeredAt: { $gte: d('2026-11-02T00:00:00Z'), $lt: d('2026-11-03T00:00:00Z') } },
        { answeredAt: { $type: 'date' }, $expr: { $gt: ['$answeredAt', '$dueAt'] } },
        { 'answer.published': true },
        { searchWords: { $all: ['thue', 'nha', 'dat'] } },
      ],
    });
  });

  it('should stand a single clause alone and count a missing answer as unpublished', () => {
    expect(complaintQuery({ published: false })).toEqual({ 'answer.published': { $ne: true } });
    expect(complaintQuery({ from: d('2026-01-01T00:00:00Z') })).toEqual({
      createdAt: { $gte: d('2026-01-01T00:00:00Z') },
    });
  });

  it('should ignore a search of punctuation only', () => {
    expect(complaintQuery({ q: ' -"" ' })).toEqual({});
  });

  it('should turn hostile search text into plain words only, never a $where or a regex', () => {
    const q = complaintQuery({ q: '"; return true; $where: function() {} .* ^(a+)+$ -x {"$ne": null}' });
    expect(q).toEqual({
      searchWords: { $all: ['return', 'true', 'where', 'function', 'a', 'x', 'ne', 'null'] },
    });
    expect([...operators(q)]).toEqual(['$all']);
  });

  it('should compare answer and due dates only through a fixed expression', () => {
    expect(complaintQuery({ answeredOnTime: true })).toEqual({
      answeredAt: { $type: 'date' },
      $expr: { $lte: ['$answeredAt', '$dueAt'] },
    });
  });

  it('should escape the owner subtree so its characters are literal', () => {
    expect(ownerSubtreeRegex('hno.sxd')).toBe('^hno\\.sxd(?:\\.|$)');
    expect(complaintQuery({ ownerSubtree: '.*' })).toEqual({ owner: { $regex: '^\\.\\*(?:\\.|$)' } });
    expect(complaintQuery({ ownerSubtree: 'a|b)(' })).toEqual({ owner: { $regex: '^a\\|b\\)\\((?:\\.|$)' } });
  });

  it('should match exactly the owners isInSubtree accepts, whatever the root', () => {
    const part = fc.stringMatching(/^[a-z.*+?^$|()[\]{}\\]{1,4}$/);
    fc.assert(
      fc.property(part, part, fc.boolean(), (root, tail, nest) => {
        fc.pre(root !== 'vpcp');
        const owner = nest ? `${root}.${tail}` : tail;
        const re = new RegExp(ownerSubtreeRegex(root));
        expect(re.test(owner)).toBe(isInSubtree(owner, root));
        expect(re.test(root)).toBe(true);
        expect(re.test(`${root}x`)).toBe(isInSubtree(`${root}x`, root));
      }),
      { numRuns: 3000 },
    );
  });

  it('should escape every regex metacharacter', () => {
    const special = '.*+?^${}()|[]\\';
    expect(new RegExp(`^${escapeRegex(special)}$`).test(special)).toBe(true);
  });

  it('should refuse values that are not the primitives the port promises (operator injection)', () => {
    const hostile: Array<Record<string, unknown>> = [
      { ownerSubtree: { $ne: null } },
      { owners: [{ $gt: '' }] },
      { owners: 'btc' },
      { involving: { $exists: true } },
      { status: [{ $ne: 'x' }] },
      { channel: { $in: ['zalo'] } },
      { category: [1] },
      { from: '2026-01-01' },
      { to: { $gt: 0 } },
      { overdueAt: new Date('nope') },
      { published: 'true' },
      { answeredOnTime: 1 },
      { answeredFrom: { $gt: 0 } },
      { q: { $regex: '.*' } },
    ];
    for (const f of hostile) {
      expect(() => complaintQuery(f as ComplaintFilter)).toThrow(ValidationError);
    }
  });

  it('should only ever use a small set of operators, and never $where or $function', () => {
    const anyFilter = fc.record(
      {
        ownerSubtree: fc.string(),
        owners: fc.array(fc.string()),
        involving: fc.string(),
        status: fc.array(fc.constantFrom('received', 'processing', 'answered')),
        q: fc.string(),
        published: fc.boolean(),
        answeredOnTime: fc.boolean(),
        from: fc.date({ noInvalidDate: true }),
        overdueAt: fc.date({ noInvalidDate: true }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(anyFilter, (f) => {
        const q = complaintQuery(f as ComplaintFilter);
        for (const op of operators(q)) {
          // $expr and its $lte/$gt appear only in the fixed answeredOnTime clause.
          if (['$expr', '$lte', '$gt'].includes(op)) expect(f.answeredOnTime).toBeDefined();
          else expect(ALLOWED_OPERATORS.has(op)).toBe(true);
        }
        expect(JSON.stringify(q)).not.toMatch(/\$where|\$function|\$accumulator/);
      }),
      { numRuns: 1000 },
    );
  });

  it('should survive mongoose casting unchanged', () => {
    const conn = mongoose.createConnection();
    const model = conn.model('ComplaintCastProbe', complaintSchema());
    const query = complaintQuery({ ownerSubtree: 'btc', status: ['received'], q: 'nước', published: false });
    // Query#cast() with no argument casts against the query's own model.
    const cast = model.find(query).cast();
    expect(cast).toEqual(query);
    return conn.close();
  });
});

describe('keyset cursor', () => {
  it('should round-trip a position and use the SQLite adapter format', () => {
    const p = { createdAt: d('2026-11-28T03:00:00.123Z'), code: 'ABCD1234' };
    const c = encodeCursor(p);
    expect(decodeCursor(c)).toEqual(p);
    expect(JSON.parse(Buffer.from(c, 'base64url').toString())).toEqual([p.createdAt.getTime(), 'ABCD1234']);
  });

  it('should refuse a cursor that is not one of ours', () => {
    const bad = [
      '',
      'not-base64!',
      Buffer.from('[1]').toString('base64url'),
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('[1.5,"X"]').toString('base64url'),
      Buffer.from('[1,{"$gt":""}]').toString('base64url'),
      42,
      { $gt: '' },
    ];
    for (const c of bad) expect(() => decodeCursor(c)).toThrow(ValidationError);
  });

  it('should select rows strictly after the position in (createdAt desc, code desc) order', () => {
    const at = d('2026-11-28T03:00:00Z');
    expect(afterCursor({ createdAt: at, code: 'M' })).toEqual({
      $or: [{ createdAt: { $lt: at } }, { createdAt: at, code: { $lt: 'M' } }],
    });
  });
});

describe('search pages', () => {
  it('should be a search only when q has a word', () => {
    expect(isSearch({ q: 'đường láng' })).toBe(true);
    expect(isSearch({ q: ' ;-- ' })).toBe(false);
    expect(isSearch({ ownerSubtree: 'btc' })).toBe(false);
    expect(() => isSearch({ q: { $ne: '' } } as unknown as ComplaintFilter)).toThrow(ValidationError);
  });

  it('should round-trip an _id cursor in the SQLite adapter shape and walk _id descending', () => {
    const id = new mongoose.Types.ObjectId().toHexString();
    const c = encodeSearchCursor(id);
    expect(JSON.parse(Buffer.from(c, 'base64url').toString())).toEqual([id]);
    expect(decodeSearchCursor(c)).toBe(id);
    expect(afterSearchCursor(id)).toEqual({ _id: { $lt: new mongoose.Types.ObjectId(id) } });
    expect(SEARCH_SORT).toEqual({ _id: -1 });
  });

  it('should refuse a list cursor, or anything that is not an ObjectId, as a search cursor', () => {
    const bad = [
      encodeCursor({ createdAt: d('2026-11-28T03:00:00Z'), code: 'ABCD1234' }),
      Buffer.from('[12]').toString('base64url'),
      Buffer.from('["zz"]').toString('base64url'),
      Buffer.from('[{"$gt":""}]').toString('base64url'),
      'not-base64!',
      { $gt: '' },
    ];
    for (const c of bad) expect(() => decodeSearchCursor(c)).toThrow(ValidationError);
  });
});

describe('statistics pipelines', () => {
  it('should group by the dimension field, sorted by key', () => {
    expect(countByPipeline('channel', { status: ['received'] })).toEqual([
      { $match: { status: { $in: ['received'] } } },
      { $group: { _id: '$channelRef.channel', count: { $sum: 1 } } },
      { $sort: { _id: 1 } },
      { $project: { _id: 0, key: '$_id', count: 1 } },
    ]);
    expect(() => countByPipeline('bogus' as never, {})).toThrow(ValidationError);
  });

  it('should count by local day in the given zone, only where the date is set', () => {
    expect(countByDayPipeline('answeredAt', {}, 'Asia/Ho_Chi_Minh')).toEqual([
      { $match: { answeredAt: { $type: 'date' } } },
      {
        $group: {
          _id: { $dateToString: { format: '%Y-%m-%d', date: '$answeredAt', timezone: 'Asia/Ho_Chi_Minh' } },
          count: { $sum: 1 },
        },
      },
      { $sort: { _id: 1 } },
      { $project: { _id: 0, day: '$_id', count: 1 } },
    ]);
    expect(() => countByDayPipeline('createdAt', {}, 'Mars/Olympus')).toThrow(ValidationError);
    expect(() => countByDayPipeline('createdAt', {}, '$foo' as string)).toThrow(ValidationError);
  });

  it('should filter first in every pipeline, so the indexes apply', () => {
    const f = { q: 'nước' };
    for (const p of [
      countByPipeline('status', f),
      countByDayPipeline('createdAt', f, 'UTC'),
      answerCountsPipeline(f),
      answerTimeAtRankPipeline(f, 0),
    ]) {
      expect(Object.keys(p[0]!)).toEqual(['$match']);
      expect(JSON.stringify(p[0])).toContain('"searchWords":{"$all":["nuoc"]}');
    }
  });

  it('should pick answer times by nearest rank', () => {
    expect(answerTimeAtRankPipeline({}, 4)).toEqual([
      { $match: { answeredAt: { $type: 'date' } } },
      { $project: { _id: 0, ms: { $subtract: ['$answeredAt', '$createdAt'] } } },
      { $sort: { ms: 1 } },
      { $skip: 4 },
      { $limit: 1 },
    ]);
    expect(nearestRank(50, 1)).toBe(0);
    expect(nearestRank(50, 10)).toBe(4);
    expect(nearestRank(90, 10)).toBe(8);
    expect(nearestRank(90, 11)).toBe(9);
    expect(nearestRank(50, 3)).toBe(1);
  });
});
