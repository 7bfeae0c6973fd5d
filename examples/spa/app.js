// A single-page app signing in with Portcullis: authorization code + PKCE with oauth4webapi, a
// public client (no secret), tokens kept in memory only. Configuration comes from /config.json.
import * as oauth from 'oauth4webapi';

const $ = (id) => document.getElementById(id);

const config = await (await fetch('/config.json')).json();
const issuer = new URL(config.issuer);
// oauth4webapi refuses http:// servers unless told otherwise; only a local development issuer is.
const options = issuer.protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {};
const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, options));
const client = { client_id: config.clientId };
const clientAuth = oauth.None();

/** The current token response (memory only: a reload signs out). */
let tokens;
let refreshes = 0;
let apiCalls = 0;

function show(state, status) {
  $('signed-out').hidden = state !== 'signed-out';
  $('signed-in').hidden = state !== 'signed-in';
  $('status').textContent = status;
}

function showError(prefix, error) {
  const text =
    error instanceof oauth.ResponseBodyError ? `${error.error}: ${error.error_description ?? ''}` : String(error?.message ?? error);
  $('error').textContent = `${prefix}: ${text}`;
  $('error').hidden = false;
}

function clearError() {
  $('error').hidden = true;
  $('error').textContent = '';
}

async function signIn() {
  const pending = {
    verifier: oauth.generateRandomCodeVerifier(),
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
  };
  sessionStorage.setItem('pending-sign-in', JSON.stringify(pending));
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    response_type: 'code',
    scope: config.scope,
    resource: config.resource,
    code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
  }).toString();
  location.assign(url);
}

async function completeSignIn() {
  const pending = JSON.parse(sessionStorage.getItem('pending-sign-in') ?? 'null');
  sessionStorage.removeItem('pending-sign-in');
  // The code leaves the address bar (and history) whatever happens next.
  const callback = new URL(location.href);
  history.replaceState(null, '', '/');
  if (!pending) throw new Error('no sign-in was started in this tab');
  const params = oauth.validateAuthResponse(as, client, callback, pending.state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, config.redirectUri, pending.verifier, options);
  tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: pending.nonce, requireIdToken: true });
  const claims = oauth.getValidatedIdTokenClaims(tokens);
  $('user-name').textContent = claims.name ?? claims.sub;
  show('signed-in', 'Signed in.');
}

async function callApi() {
  clearError();
  const response = await fetch(config.apiUrl, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  const body = await response.json();
  if (!response.ok) throw new Error(`the API answered ${response.status}: ${body.error ?? ''}`);
  $('api-result').textContent = JSON.stringify(body, null, 2);
  apiCalls += 1;
  $('status').textContent = `The Orders API answered (call ${apiCalls}).`;
}

async function refresh() {
  clearError();
  const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token, options);
  const refreshed = await oauth.processRefreshTokenResponse(as, client, response);
  // Rotation: every refresh returns a new refresh token and the old one is spent.
  tokens = { ...refreshed, refresh_token: refreshed.refresh_token ?? tokens.refresh_token };
  refreshes += 1;
  $('status').textContent = `Tokens refreshed (${refreshes}).`;
}

function guarded(prefix, action) {
  return () => action().catch((error) => showError(prefix, error));
}

$('sign-in').addEventListener('click', guarded('Sign-in failed', signIn));
$('call-api').addEventListener('click', guarded('API call failed', callApi));
$('refresh').addEventListener('click', guarded('Refresh failed', refresh));

if (location.pathname === '/callback') {
  show('none', 'Signing in…');
  await completeSignIn().catch((error) => {
    show('signed-out', 'Signed out.');
    showError('Sign-in failed', error);
  });
} else {
  show('signed-out', 'Signed out.');
}
