import {
  type AuthorizationStep,
  approveConsent,
  checkPassword,
  continueAfterSignIn,
  createSession,
  denyConsent,
  endSession,
  type FormBody,
  findSession,
  loadPending,
  OAuthError,
  passwordAcr,
  resolveLogout,
  revokeGrant,
  startAuthorization,
  userinfoEndpoint,
} from '@portcullis/oauth';
import type { SessionRecord } from '@portcullis/store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LoginThrottle } from '../login-throttle.ts';
import { accountPage } from '../pages/account-page.ts';
import { consentPage } from '../pages/consent-page.ts';
import { loginPage } from '../pages/login-page.ts';
import { errorPage, logoutConfirmPage, signedOutPage } from '../pages/message-page.ts';
import { stylesheet } from '../pages/stylesheet.ts';
import type { Runtime } from '../runtime.ts';
import { cookiePolicy, parseCookies } from './cookies.ts';
import { allowCrossOriginCaller, answerPreflight } from './cross-origin.ts';
import { csrfGuard, originOf, sendPage } from './page-security.ts';
import { describeScopes } from './scope-descriptions.ts';

/** A same-site path to return to after sign-in; anything else (//host, schemes) is refused. */
function safeReturnTo(value: unknown): string | null {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) ? value : null;
}

function formBody(request: FastifyRequest): FormBody {
  const body = request.body;
  return body && typeof body === 'object' ? (body as FormBody) : {};
}

function text(body: FormBody, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}

/** Sign-in, consent, the authorization endpoint, userinfo, logout and the account page. */
export function peopleRoutes(app: FastifyInstance, runtime: Runtime): void {
  const context = runtime.context;
  const cookies = cookiePolicy(runtime.config.issuer);
  const csrf = csrfGuard(cookies, runtime.config.issuer);
  const throttle = new LoginThrottle({
    freeAttempts: runtime.config.login.free_attempts,
    backoffBase: runtime.config.login.backoff_base,
    backoffMax: runtime.config.login.backoff_max,
    clock: context.clock,
  });

  const sessionOf = (request: FastifyRequest): Promise<SessionRecord | undefined> =>
    findSession(context, parseCookies(request.headers.cookie)[cookies.session]);

  const respond = (request: FastifyRequest, reply: FastifyReply, step: AuthorizationStep): FastifyReply | Promise<FastifyReply> => {
    if (step.kind === 'redirect') return reply.code(303).header('cache-control', 'no-store').redirect(step.url, 303);
    // The sign-in and consent pages are answered at once, where the browser already is, rather
    // than through a redirect to /login or /consent: one round trip fewer for each (their forms
    // still post to /login and /consent, which also answer GET for a page reloaded there).
    if (step.kind === 'login')
      return renderLogin(request, reply, 200, { interaction: step.interactionId, returnTo: null, username: null, error: null });
    return renderConsent(request, reply, step);
  };

  const renderConsent = async (
    request: FastifyRequest,
    reply: FastifyReply,
    step: Extract<AuthorizationStep, { kind: 'consent' }>,
  ): Promise<FastifyReply> => {
    const page = consentPage({
      csrf: csrf.token(request, reply),
      interaction: step.interactionId,
      clientName: step.client.client_name,
      userName: step.user.name ?? step.user.username,
      permissions: await describeScopes(context, step.request.scope, step.request.resource),
    });
    return sendPage(reply, 200, page, [originOf(step.request.redirect_uri)]);
  };

  /** Errors that cannot go back to the application are explained on a page. */
  const showError = (reply: FastifyReply, error: unknown): FastifyReply => {
    if (error instanceof OAuthError)
      return sendPage(reply, error.status >= 500 ? 500 : 400, errorPage('This request cannot continue', error.description));
    throw error;
  };

  const renderLogin = async (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    values: { interaction: string | null; returnTo: string | null; username: string | null; error: string | null },
  ) => {
    let clientName: string | null = null;
    let username = values.username;
    const targets: string[] = [];
    if (values.interaction) {
      const pending = await loadPending(context, values.interaction);
      clientName = pending.client.client_name;
      // No name typed yet: the application's login_hint, if it sent one.
      username ??= pending.request.login_hint;
      targets.push(originOf(pending.request.redirect_uri));
    }
    return sendPage(reply, status, loginPage({ csrf: csrf.token(request, reply), clientName, ...values, username }), targets);
  };

  app.get('/assets/portcullis.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(stylesheet),
  );

  // RFC 6749 §3.1: GET must be supported; OIDC Core §3.1.2.1 adds POST with a form body.
  const authorize = async (request: FastifyRequest, reply: FastifyReply, params: FormBody) => {
    try {
      return await respond(request, reply, await startAuthorization(context, params, await sessionOf(request)));
    } catch (error) {
      return showError(reply, error);
    }
  };
  app.get('/oauth2/authorize', async (request, reply) => authorize(request, reply, request.query as FormBody));
  app.post('/oauth2/authorize', async (request, reply) => authorize(request, reply, formBody(request)));

  app.get('/login', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const interaction = typeof query.interaction === 'string' ? query.interaction : null;
    try {
      return await renderLogin(request, reply, 200, { interaction, returnTo: safeReturnTo(query.return_to), username: null, error: null });
    } catch (error) {
      return showError(reply, error);
    }
  });

  app.post('/login', async (request, reply) => {
    const body = formBody(request);
    const interaction = text(body, 'interaction') || null;
    const returnTo = safeReturnTo(body.return_to);
    const username = text(body, 'username').trim();
    try {
      if (!csrf.verify(request, body)) {
        return await renderLogin(request, reply, 403, {
          interaction,
          returnTo,
          username,
          error: 'This form expired or did not come from this site. Please try again.',
        });
      }
      const keys = [`user:${username.toLowerCase()}`, `ip:${request.ip}`];
      const wait = throttle.retryAfter(keys);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        return await renderLogin(request, reply, 429, {
          interaction,
          returnTo,
          username,
          error: `Too many sign-in attempts. Try again in ${wait} seconds.`,
        });
      }
      const result = await checkPassword(context.people.users, context.passwords, username, text(body, 'password'), context.clock());
      if (!result.ok) {
        throttle.recordFailure(keys);
        return await renderLogin(request, reply, 401, { interaction, returnTo, username, error: 'Incorrect username or password.' });
      }
      throttle.recordSuccess([keys[0] as string]);
      const { cookie, session } = await createSession(context, result.user, { acr: passwordAcr, amr: ['pwd'] });
      reply.header('set-cookie', cookies.set(cookies.session, cookie));
      if (interaction) return await respond(request, reply, await continueAfterSignIn(context, interaction, session, result.user));
      return reply.redirect(returnTo ?? '/account', 303);
    } catch (error) {
      return showError(reply, error);
    }
  });

  app.get('/consent', async (request, reply) => {
    const interaction = (request.query as Record<string, unknown>).interaction;
    try {
      const pending = await loadPending(context, typeof interaction === 'string' ? interaction : undefined);
      const session = await sessionOf(request);
      const user = session && (await context.people.users.get(session.user_id));
      if (!session || !user) return reply.redirect(`/login?interaction=${encodeURIComponent(pending.interactionId)}`, 303);
      return await renderConsent(request, reply, { kind: 'consent', ...pending, user });
    } catch (error) {
      return showError(reply, error);
    }
  });

  app.post('/consent', async (request, reply) => {
    const body = formBody(request);
    try {
      if (!csrf.verify(request, body))
        return sendPage(reply, 403, errorPage('This form has expired', 'The consent form expired or did not come from this site.'));
      const interaction = text(body, 'interaction');
      const session = await sessionOf(request);
      if (!session) return reply.redirect(`/login?interaction=${encodeURIComponent(interaction)}`, 303);
      const decision = text(body, 'decision');
      if (decision === 'allow') return await respond(request, reply, await approveConsent(context, interaction, session));
      if (decision === 'deny') return await respond(request, reply, await denyConsent(context, interaction));
      return sendPage(reply, 400, errorPage('Unknown choice', 'Choose Allow or Deny.'));
    } catch (error) {
      return showError(reply, error);
    }
  });

  app.get('/account', async (request, reply) => {
    const session = await sessionOf(request);
    const user = session && (await context.people.users.get(session.user_id));
    if (!session || !user) return reply.redirect('/login?return_to=%2Faccount', 303);
    const applications = [];
    for (const grant of await context.people.grants.listForUser(user.user_id)) {
      const client = await context.clients.get(grant.client_id);
      applications.push({
        grantId: grant.grant_id,
        clientName: client?.client_name ?? grant.client_id,
        permissions: (await describeScopes(context, grant.scope.split(' '), null)).map((p) => p.description),
        since: grant.created_at,
        lastUsed: grant.last_used_at,
      });
    }
    const notice = (request.query as Record<string, unknown>).revoked === '1' ? 'Access withdrawn.' : null;
    return sendPage(
      reply,
      200,
      accountPage({ csrf: csrf.token(request, reply), userName: user.name ?? user.username, applications, notice }),
    );
  });

  app.post<{ Params: { grant_id: string } }>('/account/applications/:grant_id/revoke', async (request, reply) => {
    const body = formBody(request);
    if (!csrf.verify(request, body))
      return sendPage(reply, 403, errorPage('This form has expired', 'The form expired or did not come from this site.'));
    const session = await sessionOf(request);
    if (!session) return reply.redirect('/login?return_to=%2Faccount', 303);
    const grant = await context.people.grants.get(request.params.grant_id);
    // Someone else's grant id answers like an unknown one.
    if (!grant || grant.user_id !== session.user_id)
      return sendPage(reply, 404, errorPage('Not found', 'There is no such application on your account.'));
    await revokeGrant(context, grant.grant_id);
    return reply.redirect('/account?revoked=1', 303);
  });

  const logout = async (request: FastifyRequest, reply: FastifyReply, params: FormBody) => {
    const cookie = parseCookies(request.headers.cookie)[cookies.session];
    try {
      const confirmed = params.confirm === 'yes';
      if (confirmed && !csrf.verify(request, params))
        return sendPage(reply, 403, errorPage('This form has expired', 'The sign-out form expired or did not come from this site.'));
      const decision = await resolveLogout(context, confirmed ? { ...params, id_token_hint: undefined } : params);
      if (decision.confirm && !confirmed) {
        const fields = {
          client_id: text(params, 'client_id') || undefined,
          post_logout_redirect_uri: text(params, 'post_logout_redirect_uri') || undefined,
          state: text(params, 'state') || undefined,
        };
        const targets = decision.redirectUri ? [originOf(decision.redirectUri)] : [];
        return sendPage(
          reply,
          200,
          logoutConfirmPage({ csrf: csrf.token(request, reply), clientName: decision.clientName, fields }),
          targets,
        );
      }
      const session = await sessionOf(request);
      // With a hint, end the session only if it is the hinted user's (another user's stays).
      if (session && (confirmed || decision.hintSubject === session.user_id)) await endSession(context, cookie);
      reply.header('set-cookie', cookies.clear(cookies.session));
      if (decision.redirectUri) return reply.redirect(decision.redirectUri, 303);
      return sendPage(reply, 200, signedOutPage());
    } catch (error) {
      return showError(reply, error);
    }
  };
  app.get('/oauth2/logout', async (request, reply) => logout(request, reply, request.query as FormBody));
  app.post('/oauth2/logout', async (request, reply) => logout(request, reply, formBody(request)));

  // OIDC Core §5.3.1: GET and POST, the access token as a Bearer header only.
  const userinfo = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store');
    return userinfoEndpoint(context, request.headers.authorization);
  };
  // Browser apps on other origins call userinfo with fetch (see cross-origin.ts).
  app.get('/oauth2/userinfo', { onRequest: allowCrossOriginCaller }, userinfo);
  app.post('/oauth2/userinfo', { onRequest: allowCrossOriginCaller }, userinfo);
  answerPreflight(app, '/oauth2/userinfo');
}
