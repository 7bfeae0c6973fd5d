import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { FgaError, httpStatusOf } from '../errors.ts';

/** OpenFGA's error body. */
export interface FgaErrorBody {
  code: string;
  message: string;
}

/** Maps any error to OpenFGA's status and `{code, message}`; unknown errors are logged, never echoed. */
export function toErrorResponse(error: unknown, request: FastifyRequest): { status: number; body: FgaErrorBody } {
  if (error instanceof FgaError) return { status: httpStatusOf(error.code), body: { code: error.code, message: error.message } };
  const statusCode = (error as { statusCode?: number }).statusCode;
  if (statusCode === 401 || statusCode === 403)
    return {
      status: statusCode,
      body: { code: statusCode === 401 ? 'unauthenticated' : 'forbidden', message: (error as Error).message || 'unauthenticated' },
    };
  const fastifyCode = (error as FastifyError).code;
  if (statusCode && statusCode >= 400 && statusCode < 500 && typeof fastifyCode === 'string' && fastifyCode.startsWith('FST_'))
    return { status: 400, body: { code: 'validation_error', message: (error as Error).message } };
  request.log.error({ err: error }, 'permission API request failed');
  return { status: 500, body: { code: 'internal_error', message: 'Internal Server Error' } };
}

export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body } = toErrorResponse(error, request);
  return reply.code(status).send(body);
}
