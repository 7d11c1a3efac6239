// Moved to src/i18n/fast-t.ts: the dialogs and the delivery notices (src/notify/render.ts, through tFor)
// share one compiled-template cache.
export { fastFixedT } from '../src/i18n/fast-t';
