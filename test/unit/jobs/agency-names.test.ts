import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../../src/domain/ports';
import { agencyNames } from '../../../src/jobs/workers/deliver-processor';
import { openSqliteStores, type SqliteStores } from '../../../src/persistence/sqlite';
import { AGENCIES } from '../application/officers/fakes';

describe('agency names in notices', () => {
  let dir: string;
  let stores: SqliteStores;
  let now = Date.UTC(2026, 10, 29, 2, 0, 0);
  const clock: Clock = { now: () => new Date(now) };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pakn-agency-names-'));
    stores = openSqliteStores({ file: join(dir, 'pakn.db') });
    await stores.agencies.upsert(AGENCIES.find((a) => a.code === 'hno')!);
  });
  afterEach(async () => {
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a name once a minute at most; a rename shows after that; an unknown code stands for itself', async () => {
    let reads = 0;
    const counting = { ...stores.agencies, get: (code: string) => (reads++, stores.agencies.get(code)) };
    const nameOf = agencyNames(counting, clock);
    expect(await nameOf('hno')).toBe('UBND TP Hà Nội');
    await stores.agencies.upsert({
      ...(await stores.agencies.get('hno'))!,
      name: 'Ủy ban nhân dân TP Hà Nội',
    });
    now += 59_000;
    expect(await nameOf('hno')).toBe('UBND TP Hà Nội');
    expect(reads).toBe(1);
    now += 2_000;
    expect(await nameOf('hno')).toBe('Ủy ban nhân dân TP Hà Nội');
    expect(reads).toBe(2);
    expect(await nameOf('zzz.unknown')).toBe('zzz.unknown');
  });
});
