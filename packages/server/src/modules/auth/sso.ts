import { type Kysely, sql } from 'kysely';
import { type RequestOrigin, recordActivity } from '../../audit/record';
import { normalizeEmail } from '../../auth/email';
import { client, type OidcClient } from '../../auth/oidc';
import { revokeUserSessions } from '../../auth/sessions';
import { sha256 } from '../../auth/tokens';
import type { Config } from '../../config';
import type { DB } from '../../db/schema';
import { type SignedInResult, signInVerifiedUser } from './service';

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
  db: Kysely<DB>,
  oidc: OidcClient,
  returnTo: string | null,
): Promise<{ url: string; state: string }> {
  const configuration = await oidc.configuration().catch((err) => {
    throw new SsoError('provider_error', `OpenID provider discovery failed: ${(err as Error).message}`);
  });
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  await db.deleteFrom('sso_flows').where('expires_at', '<', new Date()).execute();
  await db
    .insertInto('sso_flows')
    .values({
      state_hash: sha256(state),
      code_verifier: codeVerifier,
      nonce,
      return_to: returnTo,
      expires_at: new Date(Date.now() + FLOW_TTL_MS),
    })
    .execute();
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

interface IdentityClaims {
  subject: string;
  email: string;
  name: string;
}

/**
 * Completes the code exchange (state, PKCE and nonce all checked by
 * openid-client) and returns who the provider says this is. A missing or
 * unverified email is refused: accounts are keyed by verified email.
 */
async function exchange(
  db: Kysely<DB>,
  oidc: OidcClient,
  callbackUrl: URL,
  cookieState: string | undefined,
): Promise<{ claims: IdentityClaims; returnTo: string | null }> {
  const state = callbackUrl.searchParams.get('state');
  if (!state || !cookieState || state !== cookieState) {
    throw new SsoError('state_mismatch', 'The SSO response does not belong to this browser');
  }
  // Single use: the flow row is deleted as it is read.
  const flow = await db
    .deleteFrom('sso_flows')
    .where('state_hash', '=', sha256(state))
    .returningAll()
    .executeTakeFirst();
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
 * Finishes an SSO sign-in: links the provider identity to the account with
 * that verified email (or creates the account) and starts a session.
 *
 * SSO only authenticates (SPEC §4 "Authentication is not authorization"):
 * nothing here reads or writes memberships, roles, matrices, presets or
 * workspace revisions, and a new account belongs to no workspace.
 *
 * Linking to an existing account whose email was never verified also drops
 * its password and sessions: whoever set them never proved they own the
 * address (account pre-hijacking).
 */
export async function finishSso(
  db: Kysely<DB>,
  config: Config,
  oidc: OidcClient,
  callbackUrl: URL,
  cookieState: string | undefined,
  origin: RequestOrigin,
): Promise<SignedInResult & { returnTo: string | null }> {
  const { claims, returnTo } = await exchange(db, oidc, callbackUrl, cookieState);
  const result = await db.transaction().execute(async (tx) => {
    const linked = await tx
      .selectFrom('oidc_identities')
      .innerJoin('users', 'users.id', 'oidc_identities.user_id')
      .selectAll('users')
      .where('oidc_identities.issuer', '=', oidc.issuer)
      .where('oidc_identities.subject', '=', claims.subject)
      .executeTakeFirst();
    if (linked) {
      await tx
        .updateTable('oidc_identities')
        .set({ last_sign_in_at: sql`now()`, email: claims.email })
        .where('issuer', '=', oidc.issuer)
        .where('subject', '=', claims.subject)
        .execute();
      return signInVerifiedUser(tx, config, linked, origin);
    }

    let user = await tx.selectFrom('users').selectAll().where('email', '=', claims.email).executeTakeFirst();
    const actor = (u: { id: string; name: string }) => ({ type: 'user' as const, id: u.id, name: u.name });
    const created = !user;
    if (!user) {
      user = await tx
        .insertInto('users')
        .values({
          email: claims.email,
          name: claims.name,
          password_hash: null,
          avatar_url: null,
          email_verified_at: new Date(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordActivity(tx, {
        workspaceId: null,
        actor: actor(user),
        action: 'auth.signed_up',
        target: { type: 'user', id: user.id },
        after: { email: claims.email, name: claims.name, method: 'sso', issuer: oidc.issuer },
        origin,
      });
    } else if (!user.email_verified_at) {
      await revokeUserSessions(tx, user.id);
      user = await tx
        .updateTable('users')
        .set({ email_verified_at: sql`now()`, password_hash: null, updated_at: sql`now()` })
        .where('id', '=', user.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    await tx
      .insertInto('oidc_identities')
      .values({ issuer: oidc.issuer, subject: claims.subject, user_id: user.id, email: claims.email })
      .execute();
    // A new account's identity is part of its auth.signed_up entry; linking onto an existing one is its own event.
    if (!created) {
      await recordActivity(tx, {
        workspaceId: null,
        actor: actor(user),
        action: 'auth.sso_linked',
        target: { type: 'user', id: user.id },
        after: { issuer: oidc.issuer, email: claims.email },
        origin,
      });
    }
    return signInVerifiedUser(tx, config, user, origin);
  });
  return { ...result, returnTo };
}
