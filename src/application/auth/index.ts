export * from './auth-service';
export * from './login-throttle';
export * from './refresh-token-store';
