import type { FastifyRequest } from 'fastify';
import { normalizeEmail } from '../../auth/email';
import { client, type OidcClient } from '../../auth/oidc';
import { sha256 } from '../../auth/tokens';
import { execute } from '../../command/http';
import type { Config } from '../../config';
import type { SignedInResult } from './commands/session';
import { beginSso, completeSso, type IdentityClaims, takeSso } from './commands/sso';

/** An SSO attempt must come back within this time. */
const FLOW_TTL_MS = 10 * 60_000;

/** Why an SSO sign-in did not finish; shown to the console as `?ssoError=<reason>`. */
export class SsoError extends Error {
  constructor(
    readonly reason:
      | 'sso_not_configured'
      | 'state_mismatch'
      | 'flow_expired'
      | 'provider_error'
      | 'email_missing'
      | 'email_unverified',
    message: string,
    /** The address the provider asserted, when it got that far (for the activity log). */
    readonly email: string | null = null,
  ) {
    super(message);
    this.name = 'SsoError';
  }
}

/** Only same-site paths are accepted as a return address (no open redirect). */
export function safeReturnTo(raw: unknown): string | null {
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\'))
    return null;
  if (raw.length > 500) return null;
  return raw;
}

/**
 * Starts an SSO sign-in: authorization code flow with PKCE (S256), state and
 * nonce. The PKCE verifier and nonce stay on the server (keyed by the
 * state's hash); the state itself also goes into a short-lived cookie so
 * the callback only completes in the browser that started it.
 */
export async function startSso(
  req: FastifyRequest,
  oidc: OidcClient,
  returnTo: string | null,
): Promise<{ url: string; state: string }> {
  const configuration = await oidc.configuration().catch((err) => {
    throw new SsoError('provider_error', `OpenID provider discovery failed: ${(err as Error).message}`);
  });
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  await execute(req, beginSso, {
    stateHash: sha256(state),
    codeVerifier,
    nonce,
    returnTo,
    expiresAt: new Date(Date.now() + FLOW_TTL_MS),
  });
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: oidc.redirectUri,
    scope: 'openid email profile',
    response_type: 'code',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url: url.href, state };
}

/**
 * Completes the code exchange (state, PKCE and nonce all checked by
 * openid-client) and returns who the provider says this is. A missing or
 * unverified email is refused: accounts are keyed by verified email.
 */
async function exchange(
  req: FastifyRequest,
  oidc: OidcClient,
  callbackUrl: URL,
  cookieState: string | undefined,
): Promise<{ claims: IdentityClaims; returnTo: string | null }> {
  const state = callbackUrl.searchParams.get('state');
  if (!state || !cookieState || state !== cookieState) {
    throw new SsoError('state_mismatch', 'The SSO response does not belong to this browser');
  }
  // Single use: the flow row is deleted as it is read.
  const { value: flow } = await execute(req, takeSso, { stateHash: sha256(state) });
  if (!flow || new Date(flow.expires_at).getTime() <= Date.now()) {
    throw new SsoError('flow_expired', 'This SSO sign-in expired; start again');
  }
  let email: unknown;
  let emailVerified: unknown;
  let name: unknown;
  let subject: string;
  try {
    const configuration = await oidc.configuration();
    const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: flow.code_verifier,
      expectedState: state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new Error('no ID token');
    subject = claims.sub;
    ({ email, email_verified: emailVerified, name } = claims);
    if (email === undefined) {
      // Some providers put profile claims only in the UserInfo response.
      const info = await client.fetchUserInfo(configuration, tokens.access_token, subject);
      ({ email, email_verified: emailVerified, name } = info);
    }
  } catch (err) {
    throw new SsoError('provider_error', `The SSO exchange failed: ${(err as Error).message}`);
  }
  const normalized = typeof email === 'string' ? normalizeEmail(email) : null;
  if (!normalized) throw new SsoError('email_missing', 'The provider did not share an email address');
  if (emailVerified !== true && emailVerified !== 'true') {
    throw new SsoError('email_unverified', 'The provider has not verified this email address', normalized);
  }
  const display =
    typeof name === 'string' && name.trim() ? name.trim().slice(0, 200) : normalized.split('@')[0];
  return { claims: { subject, email: normalized, name: display ?? normalized }, returnTo: flow.return_to };
}

/**
 * Finishes an SSO sign-in: the code exchange, then the `completeSso` command
 * (link or create the account, start a session; see commands/sso.ts).
 */
export async function finishSso(
  req: FastifyRequest,
  config: Config,
  oidc: OidcClient,
  callbackUrl: URL,
  cookieState: string | undefined,
): Promise<SignedInResult & { returnTo: string | null }> {
  const { claims, returnTo } = await exchange(req, oidc, callbackUrl, cookieState);
  const { value } = await execute(req, completeSso, { claims, issuer: oidc.issuer, config });
  return { ...value, returnTo };
}
