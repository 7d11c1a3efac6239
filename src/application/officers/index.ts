export * from './officer';
export * from './views';
export * from './masking';
export * from './documents';
export * from './officer-workflow';
export * from './personal-data';
export * from './audit-log';
export * from './public-queries';
