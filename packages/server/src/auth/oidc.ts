import * as client from 'openid-client';
import type { Config } from '../config';

/** The OpenID Connect client configuration, discovered once per app (retried after a failure). */
export interface OidcClient {
  issuer: string;
  redirectUri: string;
  configuration(): Promise<client.Configuration>;
}

/**
 * Builds the SSO client from OIDC_* settings, or null when SSO is off.
 * Discovery happens on first use, not at start, so a provider outage does not
 * stop Atrium from starting (password sign-in keeps working). Plain-HTTP
 * issuers are allowed only for loopback addresses (local tests).
 */
export function oidcClient(config: Config): OidcClient | null {
  const oidc = config.oidc;
  if (!oidc) return null;
  const issuerUrl = new URL(oidc.issuer);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(issuerUrl.hostname);
  let discovered: Promise<client.Configuration> | null = null;
  return {
    issuer: oidc.issuer,
    redirectUri: `${config.publicUrl}/v1/auth/sso/callback`,
    configuration() {
      discovered ??= client
        .discovery(
          issuerUrl,
          oidc.clientId,
          undefined,
          oidc.clientSecret ? client.ClientSecretBasic(oidc.clientSecret) : client.None(),
          issuerUrl.protocol === 'http:' && loopback
            ? { execute: [client.allowInsecureRequests] }
            : undefined,
        )
        .catch((err) => {
          discovered = null;
          throw err;
        });
      return discovered;
    },
  };
}

export { client };
