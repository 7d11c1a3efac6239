import {
  addDays,
  answerDueAt,
  isWorkingDay,
  localDate,
  localDayDmy,
  DEFAULT_DEADLINE_RULES,
} from '../../../src/domain/deadlines';

describe('working-day deadlines (Asia/Ho_Chi_Minh)', () => {
  it('uses the Vietnamese calendar date', () => {
    expect(localDate(new Date('2026-03-05T18:00:00Z'))).toBe('2026-03-06'); // 01:00 on the 6th in Hà Nội
  });

  it('writes that date as DD/MM/YYYY, agreeing with localDate around local midnight and year ends', () => {
    expect(localDayDmy(new Date('2026-03-05T18:00:00Z'))).toBe('06/03/2026');
    expect(localDayDmy(new Date('2026-12-31T16:59:59.999Z'))).toBe('31/12/2026');
    expect(localDayDmy(new Date('2026-12-31T17:00:00Z'))).toBe('01/01/2027');
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 7 * 3600_000 + 1234) {
      const [y, m, d] = localDate(new Date(t)).split('-');
      expect(localDayDmy(new Date(t))).toBe(`${d}/${m}/${y}`);
    }
  });

  it('skips weekends', () => {
    // Friday 2026-03-06 (local) + 1 working day → end of Monday 2026-03-09 local.
    const due = addDays(new Date('2026-03-06T02:00:00Z'), 1, { calendar: 'working', holidays: [] });
    expect(localDate(due)).toBe('2026-03-09');
    expect(due.toISOString()).toBe('2026-03-09T16:59:59.999Z');
  });

  it('skips holidays from the operator list', () => {
    const due = addDays(new Date('2026-04-29T02:00:00Z'), 1, {
      calendar: 'working',
      holidays: ['2026-04-30', '2026-05-01'],
    });
    expect(localDate(due)).toBe('2026-05-04');
    expect(isWorkingDay('2026-04-30', ['2026-04-30'])).toBe(false);
  });

  it('counts calendar days when configured', () => {
    const due = addDays(new Date('2026-03-06T02:00:00Z'), 3, { calendar: 'calendar', holidays: [] });
    expect(localDate(due)).toBe('2026-03-09');
  });

  it('gives 20 working days to answer by default', () => {
    // Monday 2026-03-02 + 20 working days = Monday 2026-03-30.
    expect(localDate(answerDueAt(new Date('2026-03-02T02:00:00Z'), DEFAULT_DEADLINE_RULES))).toBe(
      '2026-03-30',
    );
  });
});
