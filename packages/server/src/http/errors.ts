import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode, type FieldIssue, problem, toProblem, validationFailed } from '../errors';

const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** Maps framework errors (by HTTP status) onto our stable codes. */
const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

function fromFastifyError(err: FastifyError): AppError | null {
  if (err.validation) {
    const where = err.validationContext ?? 'body';
    const issues: FieldIssue[] = err.validation.map((v) => {
      const params = (v.params ?? {}) as Record<string, unknown>;
      const missing = typeof params.missingProperty === 'string' ? `/${params.missingProperty}` : '';
      const extra = typeof params.additionalProperty === 'string' ? `/${params.additionalProperty}` : '';
      const allowed = Array.isArray(params.allowedValues) ? (params.allowedValues as string[]) : undefined;
      return {
        path: `/${where}${v.instancePath}${missing}${extra}`,
        message: extra ? `unknown property "${params.additionalProperty}"` : (v.message ?? 'is invalid'),
        ...(allowed ? { valid: allowed } : {}),
      };
    });
    return validationFailed(
      issues,
      `Invalid ${where}: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
    );
  }
  const status = err.statusCode ?? 500;
  const code = STATUS_CODES[status];
  if (!code) return null;
  // Framework messages (bad JSON, wrong content type) are safe and helpful; never a stack.
  return problem(code, err.message);
}

/** One error handler for the whole API: every error becomes RFC 9457 problem details. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, req: FastifyRequest, reply: FastifyReply) => {
    let appError: AppError;
    if (error instanceof AppError) appError = error;
    else appError = fromFastifyError(error as FastifyError) ?? problem('internal');
    if (appError.status >= 500) req.log.error({ err: error }, 'request failed');
    if (appError.code === 'rate_limited' && typeof appError.extra.retryAfter === 'number') {
      reply.header('retry-after', String(appError.extra.retryAfter));
    }
    reply
      .status(appError.status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(toProblem(appError, String(req.id), req.url.split('?')[0]));
  });
}

export function sendNotFound(req: FastifyRequest, reply: FastifyReply): void {
  reply
    .status(404)
    .type(PROBLEM_CONTENT_TYPE)
    .send(toProblem(problem('not_found', `No route ${req.method} ${req.url.split('?')[0]}`), String(req.id)));
}
