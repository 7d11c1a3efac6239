import { createHash } from 'node:crypto';
import { finished } from 'node:stream/promises';

import { mongo } from 'mongoose';

import { SHA256_KEY_RE, type FileStore, type StoredFile } from '../domain/ports/file-store';

export interface GridFsFileStoreOptions {
  /**
   * GridFS bucket name (collections `<bucket>.files` and `<bucket>.chunks`).
   * @defaultValue `'attachments'`
   */
  bucketName?: string;
}

/**
 * Content-addressed files in MongoDB GridFS, for deployments where API and worker processes share no
 * disk. The GridFS filename is the hex sha256 of the bytes; user-supplied names never reach the bucket.
 *
 * A put first looks the hash up, so storing the same bytes again writes nothing. Two processes racing
 * to store the same new bytes may both upload; every reader and every cleanup picks the same survivor
 * (oldest `uploadDate`, then smallest `_id`), and the put that finishes removes the other copies.
 * The writes use the write concern of the `Db` they are given (the Mongo adapter sets it from config).
 */
export class GridFsFileStore implements FileStore {
  private readonly bucket: mongo.GridFSBucket;

  constructor(db: mongo.Db, options: GridFsFileStoreOptions = {}) {
    this.bucket = new mongo.GridFSBucket(db, { bucketName: options.bucketName ?? 'attachments' });
  }

  async put(bytes: Buffer): Promise<StoredFile> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const stored: StoredFile = { key: sha256, sha256, size: bytes.length };
    if (await this.survivor(sha256)) return stored;

    const upload = this.bucket.openUploadStream(sha256, { metadata: { sha256 } });
    upload.end(bytes);
    await finished(upload);
    await this.removeDuplicates(sha256);
    return stored;
  }

  async get(key: string): Promise<Buffer | null> {
    if (!isKey(key)) return null;
    const file = await this.survivor(key);
    if (!file) return null;
    const parts: Buffer[] = [];
    for await (const chunk of this.bucket.openDownloadStream(file._id)) parts.push(chunk as Buffer);
    const bytes = Buffer.concat(parts);
    if (createHash('sha256').update(bytes).digest('hex') !== key) {
      throw new Error(`stored file ${key} does not match its sha256`);
    }
    return bytes;
  }

  async has(key: string): Promise<boolean> {
    if (!isKey(key)) return false;
    return (await this.survivor(key)) !== null;
  }

  async delete(key: string): Promise<void> {
    if (!isKey(key)) return;
    const files = await this.bucket.find({ filename: key }, { projection: { _id: 1 } }).toArray();
    for (const f of files) await this.deleteQuietly(f._id);
  }

  private async survivor(key: string): Promise<mongo.GridFSFile | null> {
    const [first] = await this.bucket
      .find({ filename: key })
      .sort({ uploadDate: 1, _id: 1 })
      .limit(1)
      .toArray();
    return first ?? null;
  }

  private async removeDuplicates(key: string): Promise<void> {
    const files = await this.bucket
      .find({ filename: key }, { projection: { _id: 1 } })
      .sort({ uploadDate: 1, _id: 1 })
      .toArray();
    for (const f of files.slice(1)) await this.deleteQuietly(f._id);
  }

  /** A concurrent cleanup may have removed the file first; that is the outcome we wanted. */
  private async deleteQuietly(id: mongo.ObjectId): Promise<void> {
    try {
      await this.bucket.delete(id);
    } catch (err) {
      // The driver reports it as a MongoRuntimeError "File not found for id …" (no dedicated class yet, NODE-3483).
      if (!(err instanceof mongo.MongoRuntimeError && err.message.startsWith('File not found'))) throw err;
    }
  }
}

function isKey(key: unknown): key is string {
  return typeof key === 'string' && SHA256_KEY_RE.test(key);
}
