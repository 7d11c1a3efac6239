/**
 * Domain errors. Each carries a locale key (`key`) and the values the message needs (`params`),
 * so every channel and the HTTP API can tell the citizen or officer what went wrong in their language.
 * Messages are for logs and developers; users see `t(key, params)`.
 */
export type ErrorParams = Record<string, string | number>;

export abstract class AppError extends Error {
  abstract readonly key: string;
  readonly params: ErrorParams;
  constructor(message: string, params: ErrorParams = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.params = params;
  }
}

/** A limit of the PAKN rules was crossed (content length, file count, size, type). */
export class LimitError extends AppError {
  constructor(
    readonly key: string,
    params: ErrorParams & { limit?: number; actual?: number },
  ) {
    super(`limit violated: ${key} ${JSON.stringify(params)}`, params);
  }
}

/** Input that is malformed rather than too big: bad phone, empty title, unknown category. */
export class ValidationError extends AppError {
  constructor(
    readonly key: string,
    params: ErrorParams = {},
  ) {
    super(`invalid input: ${key}`, params);
  }
}

export class IllegalTransitionError extends AppError {
  readonly key = 'errors.illegal_transition';
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(`illegal status change ${from} -> ${to}`, { from, to });
  }
}

/** Optimistic concurrency: the caller acted on a version that is no longer current. */
export class VersionConflictError extends AppError {
  readonly key = 'errors.version_conflict';
  constructor(
    readonly code: string,
    readonly expected: number,
    readonly actual?: number,
  ) {
    super(`version conflict on ${code}: expected ${expected}, found ${actual ?? 'other'}`, {
      code,
      expected,
    });
  }
}

export class NotFoundError extends AppError {
  readonly key = 'errors.not_found';
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} not found`, { entity });
  }
}

export class AlreadyExistsError extends AppError {
  readonly key = 'errors.already_exists';
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} already exists: ${id}`, { entity, id });
  }
}

export class ForbiddenError extends AppError {
  readonly key = 'errors.forbidden';
  constructor(reason: string) {
    super(`forbidden: ${reason}`);
  }
}

/** A bug or a broken invariant inside the system; never shown in detail to users. */
export class InternalError extends AppError {
  readonly key = 'errors.internal';
}
