export * from './keyword-routing';
export * from './suggest-on-receipt';
