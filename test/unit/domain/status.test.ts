import {
  ALLOWED_TRANSITIONS,
  COMPLAINT_STATUSES,
  IllegalTransitionError,
  assertTransition,
  canTransition,
  isInSubtree,
  impliedParent,
  applyChange,
  type Complaint,
} from '../../../src/domain';

describe('status transitions', () => {
  it('follows the explicit table, and nothing else', () => {
    for (const from of COMPLAINT_STATUSES) {
      for (const to of COMPLAINT_STATUSES) {
        const allowed = ALLOWED_TRANSITIONS[from].includes(to);
        expect(canTransition(from, to)).toBe(allowed);
        if (allowed) expect(() => assertTransition(from, to)).not.toThrow();
        else expect(() => assertTransition(from, to)).toThrow(IllegalTransitionError);
      }
    }
  });

  it('keeps the main path and closes rejected', () => {
    expect(canTransition('received', 'processing')).toBe(true);
    expect(canTransition('processing', 'answered')).toBe(true);
    expect(canTransition('awaiting_info', 'processing')).toBe(true);
    expect(ALLOWED_TRANSITIONS.rejected).toHaveLength(0);
    expect(canTransition('answered', 'received')).toBe(false);
  });
});

describe('agency tree', () => {
  it('matches subtrees by dotted code, without prefix traps', () => {
    expect(isInSubtree('btc.tchq', 'btc')).toBe(true);
    expect(isInSubtree('btc', 'btc')).toBe(true);
    expect(isInSubtree('btcx', 'btc')).toBe(false);
    expect(isInSubtree('hno.sxd', 'btc')).toBe(false);
    expect(isInSubtree('hno.sxd', 'vpcp')).toBe(true);
    expect(impliedParent('btc.tchq')).toBe('btc');
    expect(impliedParent('btc')).toBe('vpcp');
    expect(impliedParent('vpcp')).toBeNull();
  });
});

describe('applyChange', () => {
  it('bumps the version and appends history without touching the original', () => {
    const at = new Date('2026-01-05T03:00:00Z');
    const c = {
      version: 1,
      history: [],
      supplements: [],
      notes: [],
      status: 'received',
      owner: 'vpcp',
    } as unknown as Complaint;
    const next = applyChange(c, {
      at,
      owner: 'btc',
      appendHistory: [
        {
          id: 'h1',
          at,
          type: 'transferred',
          actor: { kind: 'officer', id: 'vpcp.nl' },
          fromOwner: 'vpcp',
          toOwner: 'btc',
        },
      ],
    });
    expect(next.version).toBe(2);
    expect(next.owner).toBe('btc');
    expect(next.history).toHaveLength(1);
    expect(c.history).toHaveLength(0);
    expect(c.owner).toBe('vpcp');
  });
});
