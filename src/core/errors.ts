/**
 * The small, closed set of errors the service raises on purpose. Each carries a stable `code`;
 * only `api/` maps them to HTTP statuses. Anything else is an internal error (500, no details).
 */
export type ErrorCode = 'INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'NOT_ALLOWED' | 'UNAVAILABLE' | 'VALIDATION' | 'DEPENDENCY';

export abstract class ServiceError extends Error {
  abstract readonly code: ErrorCode;
}

/** The request is malformed or names something impossible (HTTP 400). */
export class InputError extends ServiceError {
  readonly code = 'INPUT';
}

/** The named thing does not exist (HTTP 404). */
export class NotFoundError extends ServiceError {
  readonly code = 'NOT_FOUND';
}

/** The value, or a `NotFoundError` naming what was not found. */
export function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new NotFoundError(`${what} not found`);
  return value;
}

/** The request conflicts with current state (HTTP 409). */
export class ConflictError extends ServiceError {
  readonly code = 'CONFLICT';
}

/** The caller may not do this (HTTP 403). */
export class NotAllowedError extends ServiceError {
  readonly code = 'NOT_ALLOWED';
}

/** A dependency is down or the service is shutting down (HTTP 503). */
export class ServiceUnavailableError extends ServiceError {
  readonly code = 'UNAVAILABLE';
}

/** One or more descriptions failed validation; `errors` are the human-readable problems (HTTP 400). */
export class ValidationError extends ServiceError {
  readonly code = 'VALIDATION';
  constructor(readonly errors: readonly string[]) {
    super('Validation Failed');
  }
}

/**
 * A cloud or other dependency answered with a failure (`status`, the HTTP status it answered) or
 * not at all (`status` 0). Callers see it as a gateway error with the cause, never as a 500:
 * no answer -> 504, throttled (429) -> 503, its own 404/409 -> the same, a bad request -> 400,
 * anything else (our credentials refused, its 5xx) -> 502.
 */
export class DependencyError extends ServiceError {
  readonly code = 'DEPENDENCY';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
