import { OAuthError } from '@portcullis/oauth';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** Fastify's own failures that are the client's fault, as OAuth errors. */
function fromFastify(error: FastifyError): OAuthError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new OAuthError('request_too_large', 'request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new OAuthError('invalid_request', 'unsupported content type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new OAuthError('invalid_request', 'malformed request body');
    case 'FST_ERR_VALIDATION':
      return new OAuthError('invalid_request', error.message);
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && !error.code))
    return new OAuthError('invalid_request', 'malformed request body');
  return undefined;
}

/**
 * The one place errors become HTTP responses: OAuth errors with their RFC body and status,
 * everything unexpected as `server_error`, logged but never echoed.
 */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const oauth = error instanceof OAuthError ? error : fromFastify(error as FastifyError);
  if (!oauth) {
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).header('cache-control', 'no-store').send({ error: 'server_error', error_description: 'internal error' });
  }
  const challengeRequired = oauth.code === 'invalid_token' || oauth.code === 'insufficient_scope';
  reply.code(oauth.status).header('cache-control', 'no-store').headers(oauth.headers);
  if (challengeRequired && !oauth.headers['WWW-Authenticate']) {
    reply.header('www-authenticate', `Bearer error="${oauth.code}", error_description="${oauth.description.replace(/"/g, "'")}"`);
  }
  return reply.send(oauth.toJSON());
}
