export { LocalFileStore } from './local-file-store';
export { GridFsFileStore, type GridFsFileStoreOptions } from './gridfs-file-store';
