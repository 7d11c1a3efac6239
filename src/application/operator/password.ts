import bcrypt from 'bcryptjs';
import { ValidationError } from '../../domain/errors';

/** bcrypt cost: about 0.1-0.2 s per check on these machines, slow enough against offline guessing. */
const COST = 11;
export const MIN_PASSWORD_LENGTH = 10;

export function assertPasswordStrength(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new ValidationError('operator:password_too_short', { limit: MIN_PASSWORD_LENGTH });
  }
}

export async function hashPassword(password: string): Promise<string> {
  assertPasswordStrength(password);
  return bcrypt.hash(password, COST);
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}
