import { randomUUID } from 'node:crypto';
import type { Channel, Complaint, HistoryEvent } from '../../../src/domain/complaint';
import type { ComplaintStore } from '../../../src/domain/ports/complaint-store';
import type { ComplaintStatus } from '../../../src/domain/status';
import { answer, DAY, draft, HOUR } from './fixtures';

/**
 * A seeded mix of PAKN for the statistics tests: created over 75 days across month ends at any minute
 * (so local midnights, UTC+7, are crossed), then moved through every kind of change a counter must follow:
 * status moves, forwards to another owner, answers (late and on time), reopened answers whose answer time
 * is cleared, rejections, deadlines moved after the answer, channels rewritten. The same seed gives the same PAKN (codes aside) on every store.
 */
export const OWNERS = ['vpcp', 'btc', 'btc.tchq', 'btc.kbnn', 'btcx', 'hno'];
const CHANNELS: Channel[] = ['telegram', 'zalo', 'web', 'sms'];
const CATEGORIES = ['tthc', 'khac', 'can_bo'];
/** 2025-01-20 00:00 in Hanoi. */
export const SCENARIO_START = new Date('2025-01-19T17:00:00.000Z');

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const officer = { kind: 'officer' as const, id: 'btc.nl', agency: 'btc' };
function history(type: HistoryEvent['type'], when: Date, extra: Partial<HistoryEvent> = {}): HistoryEvent {
  return { id: randomUUID(), at: when, type, actor: officer, ...extra };
}

export async function loadScenario(store: ComplaintStore, count = 160, seed = 7): Promise<void> {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  for (let i = 0; i < count; i++) {
    const createdAt = new Date(SCENARIO_START.getTime() + Math.floor(rnd() * 75 * 24 * 60) * 60_000);
    let c: Complaint = await store.create(
      draft({
        owner: pick(OWNERS),
        channel: pick(CHANNELS),
        category: pick(CATEGORIES),
        createdAt,
        dueAt: new Date(createdAt.getTime() + (5 + Math.floor(rnd() * 10)) * DAY),
      }),
    );
    const later = (maxDays: number) =>
      new Date(createdAt.getTime() + Math.floor(rnd() * maxDays * 24 * 60) * 60_000 + HOUR);
    const step = async (status: ComplaintStatus, extra: Record<string, unknown> = {}) => {
      const when = (extra.answeredAt as Date | undefined) ?? later(3);
      c = await store.update(c.code, c.version, {
        status,
        appendHistory: [history('note', when, { status })],
        at: when,
        ...extra,
      });
    };
    const answerNow = async () => {
      const when = later(rnd() < 0.5 ? 2 : 40);
      await step('answered', { answer: answer(when), answeredAt: when });
    };
    const r = rnd();
    if (r < 0.15) continue;
    if (r < 0.3) await step('processing');
    else if (r < 0.5) await answerNow();
    else if (r < 0.62) {
      // Forwarded, then perhaps answered by the new owner.
      c = await store.update(c.code, c.version, { owner: pick(OWNERS), at: later(1) });
      if (rnd() < 0.6) await answerNow();
    } else if (r < 0.72) await step('awaiting_info');
    else if (r < 0.8) await step('rejected');
    else if (r < 0.9) {
      // Answered, then reopened: the answer time is cleared, so it no longer counts as answered.
      await answerNow();
      await step('processing', { answeredAt: null });
    } else {
      // Answered, then the deadline moved (on time may change) and the channel rewritten (erasure
      // rewrites channelRef): changes the answered and every received counter must follow.
      await answerNow();
      c = await store.update(c.code, c.version, {
        dueAt: later(30),
        channelRef: { ...c.channelRef, channel: pick(CHANNELS) },
        at: later(1),
      });
    }
  }
}
