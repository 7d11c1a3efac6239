import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { LocalFileStore } from '../../../src/files';

/** What only the disk adapter can show: the layout, no stray files, nothing outside its directory. */
describe('LocalFileStore on disk', () => {
  let base: string;
  let storeDir: string;
  let store: LocalFileStore;

  async function snapshot(dir: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    const visit = async (d: string) => {
      for (const e of await fs.readdir(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) await visit(p);
        else
          out[path.relative(dir, p)] = createHash('sha256')
            .update(await fs.readFile(p))
            .digest('hex');
      }
    };
    await visit(dir);
    return out;
  }

  beforeEach(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'pakn-localfs-'));
    storeDir = path.join(base, 'store');
    store = new LocalFileStore(storeDir);
    await fs.mkdir(path.join(base, 'outside'));
    await fs.writeFile(path.join(base, 'outside', 'passwd'), 'root:x:0:0');
  });
  afterEach(() => fs.rm(base, { recursive: true, force: true }));

  it('should fan files out as ab/cd/<sha256> and leave no temporary files', async () => {
    const { key } = await store.put(Buffer.from('hello'));
    const files = Object.keys(await snapshot(storeDir));
    expect(files).toEqual([path.join(key.slice(0, 2), key.slice(2, 4), key)]);
  });

  it('should leave everything outside its directory untouched whatever key it is given', async () => {
    const stored = await store.put(randomBytes(64));
    const before = await snapshot(base);
    const outsideFile = path.join(base, 'outside', 'passwd');
    const keys = [
      '../outside/passwd',
      '../../outside/passwd',
      outsideFile,
      `..${path.sep}outside${path.sep}passwd`,
      '%2e%2e/outside/passwd',
      path.relative(path.join(storeDir, 'ab', 'cd'), outsideFile),
    ];
    for (const key of keys) {
      expect(await store.get(key)).toBeNull();
      expect(await store.has(key)).toBe(false);
      await store.delete(key);
    }
    expect(await snapshot(base)).toEqual(before);
    expect(await store.has(stored.key)).toBe(true);
  });

  it('should refuse to serve bytes that no longer match their address', async () => {
    const { key } = await store.put(Buffer.from('original'));
    await fs.writeFile(path.join(storeDir, key.slice(0, 2), key.slice(2, 4), key), 'tampered');
    await expect(store.get(key)).rejects.toThrow(/does not match/);
  });

  it('should repair a truncated copy on the next put of the same bytes', async () => {
    const bytes = Buffer.from('complete content');
    const { key } = await store.put(bytes);
    await fs.writeFile(path.join(storeDir, key.slice(0, 2), key.slice(2, 4), key), 'compl');
    await store.put(bytes);
    expect((await store.get(key))!.equals(bytes)).toBe(true);
  });

  it('should survive concurrent puts of many distinct files sharing fan-out directories', async () => {
    const blobs = Array.from({ length: 50 }, (_, i) => Buffer.from(`file ${i}`));
    const stored = await Promise.all(blobs.map((b) => store.put(b)));
    for (let i = 0; i < blobs.length; i++)
      expect((await store.get(stored[i]!.key))!.equals(blobs[i]!)).toBe(true);
    expect(Object.keys(await snapshot(storeDir))).toHaveLength(50);
  });
});
