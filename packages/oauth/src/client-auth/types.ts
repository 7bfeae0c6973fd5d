import type { ReplayStore } from '@portcullis/store';
import type { Client, ClientAuthMethod } from '../clients.ts';
import type { Clock } from '../clock.ts';
import type { FormBody } from '../form.ts';

/** What a client-authenticated endpoint receives (RFC 6749 §2.3). */
export interface ClientAuthRequest {
  body: FormBody;
  authorization?: string | undefined;
  /** Absolute URL of the endpoint being called: an acceptable `aud` of a client assertion. */
  endpoint: string;
}

export interface ClientAuthContext {
  issuer: string;
  clock: Clock;
  replay: ReplayStore;
  /** Extra `aud` values accepted in client assertions besides the issuer and the endpoint. */
  assertionAudiences: string[];
}

/** The credentials a request presents, before the client is known. */
export interface PresentedCredentials {
  method: ClientAuthMethod;
  clientId: string;
  secret?: string;
  /** SHA-256 of `secret`, when already known (a repeated Basic header). */
  secretHash?: string;
  assertion?: string;
  /** What is remembered of these exact credentials (a repeated Basic header): the client they last verified against. */
  memo?: { verifiedFor?: Client };
}

export interface ClientAuthMethodHandler {
  method: ClientAuthMethod;
  /** Throws when the credentials fail; may answer synchronously (no promise for the common case). `endpoint`: the URL called. */
  verify(credentials: PresentedCredentials, client: Client, context: ClientAuthContext, endpoint: string): void | Promise<void>;
}
