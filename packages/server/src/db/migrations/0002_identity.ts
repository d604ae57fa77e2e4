import type { Migration } from '../migrate';

/**
 * Identity (issue 4, docs/rules.md §4 "Authentication is not authorization"):
 * sessions, single-use email tokens, OpenID Connect identities, pending SSO
 * flows and the per-account failed sign-in counter. Every secret a client
 * holds (session token, email link token) is stored only as its SHA-256.
 */
export const migration: Migration = {
  name: '0002_identity',
  statements: [
    `CREATE TABLE sessions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      token_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      ip text,
      user_agent text,
      method text NOT NULL DEFAULT 'password' CHECK (method IN ('password', 'sso')),
      revoked_at timestamptz
    )`,
    `CREATE INDEX sessions_user_idx ON sessions (user_id, created_at DESC)`,

    `CREATE TABLE email_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      purpose text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
      token_hash text NOT NULL UNIQUE,
      email text NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX email_tokens_user_idx ON email_tokens (user_id, purpose)`,

    `CREATE TABLE oidc_identities (
      issuer text NOT NULL,
      subject text NOT NULL,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      email text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_sign_in_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (issuer, subject)
    )`,
    `CREATE INDEX oidc_identities_user_idx ON oidc_identities (user_id)`,

    `CREATE TABLE sso_flows (
      state_hash text PRIMARY KEY,
      code_verifier text NOT NULL,
      nonce text NOT NULL,
      return_to text,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,

    `CREATE TABLE sign_in_failures (
      email text PRIMARY KEY,
      failures integer NOT NULL DEFAULT 0,
      window_started_at timestamptz NOT NULL DEFAULT now()
    )`,
  ],
};
