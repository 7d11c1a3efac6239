import {
  maskForPublication,
  maskPersonalText,
  publicName,
  PublicQueries,
  safeSearchText,
  OfficerWorkflow,
  PersonalDataService,
  KeyValueAuditLog,
  type Officer,
} from '../../../../src/application/officers';
import { DEFAULT_DEADLINE_RULES } from '../../../../src/domain/deadlines';
import { DEFAULT_LIMITS } from '../../../../src/domain/limits';
import { ForbiddenError } from '../../../../src/domain/errors';
import {
  AGENCIES,
  FixedClock,
  InMemoryAgencyStore,
  InMemoryComplaintStore,
  InMemoryKv,
  newComplaint,
} from './fakes';

describe('masking', () => {
  it('should mask phones in Vietnamese spellings, e-mails and ID numbers inside text', () => {
    const text =
      'Gọi 0912 345 678, +84 912.345.678 hoặc 84-912-345-678; email nguyen.an@gmail.com; CCCD 001203004567, CMND 123456789.';
    const out = maskPersonalText(text);
    expect(out).not.toMatch(/\d{3}/);
    expect(out).not.toContain('@');
    expect(out).toContain('Gọi ***');
  });

  it('should keep ordinary numbers such as years, amounts and dates', () => {
    expect(maskPersonalText('Năm 2025 nộp 500.000 đồng ngày 12/03')).toBe(
      'Năm 2025 nộp 500.000 đồng ngày 12/03',
    );
  });

  it('should show initials only with consent, and mask the name inside text', () => {
    expect(publicName('Nguyễn Văn Ánh', true)).toBe('N. V. Á.');
    expect(publicName('Nguyễn Văn Ánh', false)).toBeUndefined();
    expect(
      maskForPublication('Tôi là Nguyễn  Văn Ánh.', { name: 'Nguyễn Văn Ánh', consentPublishName: false }),
    ).toBe('Tôi là ***.');
    expect(
      maskForPublication('Tôi là nguyễn văn ánh.', { name: 'Nguyễn Văn Ánh', consentPublishName: true }),
    ).toBe('Tôi là N. V. Á..');
  });

  it('should drop contact details from public search text', () => {
    expect(safeSearchText('giấy phép 0912345678')).toBe('giấy phép');
    expect(safeSearchText('an@example.vn')).toBeUndefined();
  });
});

describe('PublicQueries', () => {
  const btcNl: Officer = { username: 'btc.nl', agency: 'btc', role: 'reception' };
  it('should tell a typo from an unknown code and show only a published, masked answer', async () => {
    const complaints = new InMemoryComplaintStore();
    const agencies = new InMemoryAgencyStore(AGENCIES);
    const pq = new PublicQueries({ complaints, agencies });
    const wf = new OfficerWorkflow({
      complaints,
      agencies,
      clock: new FixedClock(),
      deadlines: DEFAULT_DEADLINE_RULES,
      limits: DEFAULT_LIMITS,
    });
    const c = await complaints.create(newComplaint());
    const typo = c.code.slice(0, 7) + (c.code[7] === '0' ? '1' : '0');
    expect(await pq.lookup(typo)).toEqual({ ok: false, reason: 'checksum' });
    expect(await pq.lookup('hello')).toEqual({ ok: false, reason: 'format' });
    const found = await pq.lookup(c.code.toLowerCase());
    expect(found.ok && found.view.answer).toBeUndefined();
    await wf.answer(btcNl, c.code, 1, {
      text: 'Ông Nguyễn Văn An (0912345678) đã được cấp phép.',
      publish: true,
    });
    const after = await pq.lookup(`${c.code.slice(0, 4)}-${c.code.slice(4)}`);
    expect(after.ok).toBe(true);
    const json = JSON.stringify(after);
    expect(json).not.toContain('0912345678');
    expect(json).not.toContain('Nguyễn Văn An');
    expect(json).not.toContain('an@example.vn');
    expect(after.ok && after.view.answer?.text).toBe('Ông N. V. A. (***) đã được cấp phép.');
    const list = await pq.publishedAnswers({ q: 'giấy phép' }, { limit: 20, offset: 0 });
    expect(list.total).toBe(1);
    expect(JSON.stringify(list)).not.toMatch(/0912|an@example|Nguyễn Văn An/);
    expect(list.items[0]!.sender).toBe('N. V. A.');
  });
});

describe('PersonalDataService', () => {
  const admin: Officer = { username: 'admin', agency: 'vpcp', role: 'admin' };
  it('should export, correct and erase one citizen across their PAKN with audit entries and no personal data in them', async () => {
    const complaints = new InMemoryComplaintStore();
    const kv = new InMemoryKv();
    const clock = new FixedClock();
    const audit = new KeyValueAuditLog(kv);
    const svc = new PersonalDataService({ complaints, clock, audit, conversations: kv });
    const a = await complaints.create(newComplaint());
    const b = await complaints.create(newComplaint({ owner: 'hno' }));
    await complaints.create(
      newComplaint({
        submitter: {
          name: 'Trần B',
          phone: '0987654321',
          consentProcessing: true,
          consentPublishName: false,
        },
      }),
    );
    await expect(
      svc.export({ username: 'btc.nl', agency: 'btc', role: 'reception' }, { phone: '0912345678' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const exp = await svc.export(admin, { phone: '0912345678', reference: 'CV-12' });
    expect(exp.complaints.map((c) => c.code).sort()).toEqual([a.code, b.code].sort());
    const btcAdmin: Officer = { username: 'btc.admin', agency: 'btc', role: 'admin' };
    expect((await svc.export(btcAdmin, { phone: '0912345678' })).complaints.map((c) => c.code)).toEqual([
      a.code,
    ]);
    await svc.correct(admin, { phone: '0912345678' }, { address: 'Số 1 Tràng Tiền' });
    expect((await complaints.getByCode(a.code))!.submitter.address).toBe('Số 1 Tràng Tiền');
    await svc.erase(admin, { email: 'an@example.vn' });
    const erased = (await complaints.getByCode(a.code))!;
    expect(erased.submitter).toEqual({ name: '', consentProcessing: true, consentPublishName: false });
    expect(erased.content).not.toMatch(/Nguyễn Văn An|0912|an@example/);
    expect(erased.history.at(-1)).toMatchObject({ type: 'personal_data_erased', actor: { id: 'admin' } });
    const day = clock.now().toISOString().slice(0, 10);
    const entries = await audit.listDay(day);
    expect(entries.map((e) => e.action)).toEqual([
      'personal_data.export',
      'personal_data.export',
      'personal_data.correct',
      'personal_data.erase',
    ]);
    expect(JSON.stringify(entries)).not.toMatch(/0912|an@example/);
  });
});
