import type { ErrorRequestHandler, Response } from 'express';
import { ZodError, type z } from 'zod';

export interface FieldError {
  field: string;
  message: string;
}

/** An RFC 9457 problem: `type` is a stable machine-readable code, `detail` says what to do. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }
}

export const notFound = (what: string, id: string) => new Problem(404, 'not_found', `${what} not found`, `No ${what} with id ${id} in this project`);

export function fieldProblem(errors: FieldError[]): Problem {
  return new Problem(400, 'invalid_request', 'The request is not valid', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
}

export function sendProblem(res: Response, problem: Problem) {
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({ type: `https://nft-engine.dev/problems/${problem.code}`, code: problem.code, title: problem.title, status: problem.status, detail: problem.detail, ...problem.extra });
}

const zodFieldErrors = (err: ZodError, prefix: string): FieldError[] =>
  err.issues.map((i) => ({ field: [prefix, ...i.path].filter((p) => p !== '').join('.'), message: i.message }));

export const toProblem = (err: unknown, prefix = 'body'): Problem =>
  err instanceof ZodError ? fieldProblem(zodFieldErrors(err, prefix)) : (err as Problem);

/** A field left out is "required" rather than zod's "expected string, received undefined"; messages a schema sets win. */
const missingIsRequired: z.core.$ZodErrorMap = (issue) =>
  (issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union') ? 'required' : undefined);

/** Parses request input with a zod schema; invalid input is a 400 problem naming each field under `field`. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, field = 'body'): T {
  const parsed = schema.safeParse(value, { error: missingIsRequired });
  if (!parsed.success) throw toProblem(parsed.error, field);
  return parsed.data;
}

/** Turns every error into a problem response; only unexpected ones are 500s, and they are logged. */
export function problemHandler(log: (msg: string, fields: Record<string, unknown>) => void): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof Problem) return sendProblem(res, err);
    if (err instanceof ZodError) return sendProblem(res, toProblem(err));
    const bodyError = err as { type?: string; status?: number; limit?: number };
    if (bodyError.type === 'entity.too.large') {
      return sendProblem(res, new Problem(413, 'body_too_large', 'The request body is too large', `The limit is ${bodyError.limit} bytes`));
    }
    if (bodyError.type === 'entity.parse.failed') {
      return sendProblem(res, new Problem(400, 'malformed_json', 'The request body is not valid JSON'));
    }
    if (bodyError.type === 'encoding.unsupported' || bodyError.type === 'charset.unsupported') {
      return sendProblem(res, new Problem(415, 'unsupported_encoding', 'The request body encoding is not supported'));
    }
    log('request failed', { method: req.method, path: req.path, error: err instanceof Error ? err.message : String(err) });
    sendProblem(res, new Problem(500, 'internal_error', 'Internal error', 'The request could not be completed; it is safe to retry with the same Idempotency-Key'));
  };
}
