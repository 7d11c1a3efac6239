export * from './email-sender';
export * from './render';
export * from './sms-encoding';
export * from './sms-gateway';
