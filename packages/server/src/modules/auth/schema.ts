import { type Static, Type } from 'typebox';
import type { User } from '../../db/schema';

/** A user as every API answer shows them: never the password hash. */
export const UserView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  name: Type.String(),
  avatarUrl: Type.Union([Type.String(), Type.Null()]),
  emailVerified: Type.Boolean(),
  hasPassword: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type UserView = Static<typeof UserView>;

/** The API view of a user row (never the password hash). */
export function presentUser(
  u: Pick<
    User,
    'id' | 'email' | 'name' | 'avatar_url' | 'email_verified_at' | 'password_hash' | 'created_at'
  >,
): UserView {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    avatarUrl: u.avatar_url,
    emailVerified: u.email_verified_at !== null,
    hasPassword: u.password_hash !== null,
    createdAt: new Date(u.created_at as unknown as Date).toISOString(),
  };
}

/** Email is checked (and normalised) by the service, which accepts internationalised addresses. */
const Email = Type.String({ minLength: 1, maxLength: 320 });
/** Length and blocklist are checked by the service (NIST SP 800-63B); only bounds here. */
const Password = Type.String({ minLength: 1, maxLength: 1024 });
export const Name = Type.String({ minLength: 1, maxLength: 200 });

export const SignUpBody = Type.Object(
  { email: Email, password: Password, name: Name },
  { additionalProperties: false },
);
export const SignInBody = Type.Object({ email: Email, password: Password }, { additionalProperties: false });
export const SignedIn = Type.Object({ user: UserView, csrfToken: Type.String() });
export const TokenBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export const ResetRequestBody = Type.Object({ email: Email }, { additionalProperties: false });
export const ResetConfirmBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }), password: Password },
  { additionalProperties: false },
);
export const Accepted = Type.Object({ status: Type.Literal('accepted') });
export const Ok = Type.Object({ status: Type.Literal('ok') });
export const Providers = Type.Object({
  password: Type.Boolean(),
  sso: Type.Union([Type.Object({ name: Type.String(), startUrl: Type.String() }), Type.Null()]),
});
