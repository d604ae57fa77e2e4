/**
 * The one registry of error codes. Every error a client sees is an RFC 9457
 * problem details document with one of these stable codes; `docs/errors.md`
 * documents each (a test keeps the two in step).
 */
export const ERROR_CODES = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  unauthenticated: { status: 401, title: 'Sign in, or send a valid API key' },
  invalid_credentials: { status: 401, title: 'Email or password is wrong' },
  csrf_failed: { status: 403, title: 'Missing or wrong CSRF token' },
  forbidden: { status: 403, title: 'You do not have permission to do this' },
  email_unverified: { status: 403, title: 'Confirm your email address first' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'The request conflicts with the current state' },
  email_taken: { status: 409, title: 'An account with this email already exists' },
  last_admin: { status: 409, title: 'A workspace must keep at least one admin' },
  confirmation_mismatch: { status: 422, title: 'The confirmation does not match' },
  revision_unknown: { status: 422, title: 'This revision has not happened in this workspace' },
  invitation_expired: { status: 410, title: 'This invitation has expired' },
  invitation_revoked: { status: 410, title: 'This invitation was revoked' },
  invitation_used: { status: 410, title: 'This invitation has already been used' },
  invitation_email_mismatch: { status: 403, title: 'This invitation was sent to another email address' },
  token_invalid: { status: 400, title: 'This link is invalid or has expired' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported content type' },
  rate_limited: { status: 429, title: 'Too many requests; try again later' },
  card_declined: { status: 402, title: 'The card was declined' },
  internal: { status: 500, title: 'Something went wrong on our side' },
  unavailable: { status: 503, title: 'The service is not ready' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One problem with one field, as returned under `errors` for validation failures. */
export interface FieldIssue {
  /** JSON pointer into the request: `/body/email`, `/query/limit`. */
  path: string;
  message: string;
  /** Valid values, when there is a short list of them. */
  valid?: readonly string[];
}

/**
 * An error with a stable code. Throw it anywhere; the error handler renders it
 * as problem details. `detail` is for people; `extra` adds machine-readable
 * members (never secrets).
 */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? ERROR_CODES[code].title);
    this.name = 'AppError';
    this.status = ERROR_CODES[code].status;
  }
}

export function problem(code: ErrorCode, detail?: string, extra?: Record<string, unknown>): AppError {
  return new AppError(code, detail, extra);
}

export function notFound(what = 'resource'): AppError {
  return new AppError('not_found', `No such ${what}`);
}

export function validationFailed(errors: FieldIssue[], detail?: string): AppError {
  return new AppError('validation_failed', detail ?? errors[0]?.message ?? 'The request is not valid', {
    errors,
  });
}

/** The body of an error response (RFC 9457 plus `code`, `requestId` and extras). */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  requestId?: string;
  [extra: string]: unknown;
}

export function toProblem(err: AppError, requestId?: string, instance?: string): ProblemDocument {
  return {
    type: `urn:atrium:problem:${err.code}`,
    title: ERROR_CODES[err.code].title,
    status: err.status,
    code: err.code,
    ...(err.detail ? { detail: err.detail } : {}),
    ...err.extra,
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
  };
}
