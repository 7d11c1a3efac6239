import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

import { SHA256_KEY_RE, type FileStore, type StoredFile } from '../domain/ports/file-store';

/**
 * Content-addressed files on local disk: the key is the hex sha256 of the bytes and the only thing
 * that ever becomes part of a path, after it passed {@link SHA256_KEY_RE}. Files fan out into
 * `ab/cd/abcd…` so no directory grows past a few thousand entries.
 *
 * Writes are atomic and durable: bytes go to a temporary file next to the target, are fsynced, then
 * renamed into place and the directory is fsynced, so a reader never sees a half-written file and a
 * key handed out survives a crash. Two concurrent puts of the same bytes both rename a complete,
 * identical file onto the same name, so one copy remains.
 */
export class LocalFileStore implements FileStore {
  private readonly root: string;

  constructor(dir: string) {
    this.root = path.resolve(dir);
  }

  async put(bytes: Buffer): Promise<StoredFile> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const stored: StoredFile = { key: sha256, sha256, size: bytes.length };
    const target = this.pathOf(sha256);
    const existing = await statOrNull(target);
    if (existing?.isFile() && existing.size === bytes.length) return stored;

    const dir = path.dirname(target);
    // New fan-out directories must themselves survive a crash, so their parents are synced too.
    if ((await fs.mkdir(dir, { recursive: true })) !== undefined) {
      await fsyncDir(path.dirname(path.dirname(dir)));
      await fsyncDir(path.dirname(dir));
    }
    // The temporary name is ours (a UUID), never derived from user input.
    const tmp = path.join(dir, `.${sha256}.${randomUUID()}.tmp`);
    const handle = await fs.open(tmp, 'wx', 0o640);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(tmp, target);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    await fsyncDir(dir);
    return stored;
  }

  async get(key: string): Promise<Buffer | null> {
    if (!isKey(key)) return null;
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(this.pathOf(key));
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
    // A content address lets us prove the bytes are the ones stored; serving anything else is worse than failing.
    if (createHash('sha256').update(bytes).digest('hex') !== key) {
      throw new Error(`stored file ${key} does not match its sha256`);
    }
    return bytes;
  }

  async has(key: string): Promise<boolean> {
    if (!isKey(key)) return false;
    return (await statOrNull(this.pathOf(key)))?.isFile() ?? false;
  }

  async delete(key: string): Promise<void> {
    if (!isKey(key)) return;
    await fs.rm(this.pathOf(key), { force: true });
  }

  /** Only ever called with a key that passed SHA256_KEY_RE (64 lower-case hex digits). */
  private pathOf(key: string): string {
    return path.join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }
}

function isKey(key: unknown): key is string {
  return typeof key === 'string' && SHA256_KEY_RE.test(key);
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

async function statOrNull(p: string) {
  try {
    return await fs.stat(p);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** Makes the rename itself durable. Some platforms cannot open a directory for fsync; then the rename stays best effort. */
async function fsyncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM') throw err;
  } finally {
    await handle?.close();
  }
}
