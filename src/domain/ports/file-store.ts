/**
 * Content-addressed file storage: the key is the sha256 of the bytes, so storing the same file twice
 * keeps one copy, and no name or path from a user ever reaches the storage.
 */
export interface StoredFile {
  key: string;
  sha256: string;
  size: number;
}

export interface FileStore {
  put(bytes: Buffer): Promise<StoredFile>;
  /** `null` when the key is unknown or malformed. */
  get(key: string): Promise<Buffer | null>;
  has(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
}

export const SHA256_KEY_RE = /^[0-9a-f]{64}$/;
