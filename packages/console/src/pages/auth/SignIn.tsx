import { Anchor, Button, Divider, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { fieldError } from '../../api/client';
import { signIn, ssoOf, useProviders } from '../../api/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AuthLayout } from '../../layout/AuthLayout';

/** Only same-site paths are followed after sign-in (no open redirect). */
export function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/** Why single sign-on failed, in words (the server redirects with `?ssoError=<reason>`). */
const SSO_ERRORS: Record<string, string> = {
  email_missing: 'The identity provider did not share your email address.',
  email_unverified: 'The identity provider has not verified your email address.',
  flow_expired: 'The sign-in took too long. Try again.',
  state_mismatch: 'The sign-in could not be matched to this browser. Try again.',
  provider_error: 'The identity provider answered with an error. Try again, or sign in with your password.',
};

/** The SSO error reason, on this page's query or on the page we were sent from. */
function ssoErrorOf(params: URLSearchParams, next: string): string | null {
  return params.get('ssoError') ?? new URLSearchParams(next.split('?')[1] ?? '').get('ssoError');
}

/** Password sign-in, plus the SSO button when GET /v1/auth/providers says SSO is configured. */
export function SignInPage() {
  const [params] = useSearchParams();
  const rawNext = safeNext(params.get('next'));
  const ssoError = ssoErrorOf(params, rawNext);
  // After an SSO failure, go home rather than back to the error.
  const next = ssoError ? '/' : rawNext;
  const navigate = useNavigate();
  const providers = useProviders();
  const sso = ssoOf(providers.data);
  const [email, setEmail] = useState(params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
      navigate(next, { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthLayout
      title="Sign in to Atrium"
      subtitle="Manage who can see, build and deploy your agents."
      footer={
        <>
          New here?{' '}
          <Anchor component={Link} to={`/sign-up${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>
            Create an account
          </Anchor>
        </>
      }
    >
      {ssoError && (
        <ErrorAlert
          title="Single sign-on failed"
          error={new Error(SSO_ERRORS[ssoError] ?? 'Try again, or sign in with your password.')}
        />
      )}
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput
            label="Email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={fieldError(error, 'email')}
            data-autofocus
            autoFocus
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={fieldError(error, 'password')}
          />
          <Anchor component={Link} to="/forgot-password" fz="sm" ta="right">
            Forgot your password?
          </Anchor>
          <ErrorAlert error={error} title="Could not sign in" />
          <Button type="submit" loading={busy} fullWidth>
            Sign in
          </Button>
        </Stack>
      </form>
      {sso && (
        <>
          <Divider label="or" labelPosition="center" />
          <Button
            component="a"
            href={`${sso.startUrl}${next !== '/' ? `?returnTo=${encodeURIComponent(next)}` : ''}`}
            variant="default"
            leftSection={<IconKey size={16} />}
            fullWidth
          >
            Continue with {sso.name}
          </Button>
          <Text fz="xs" c="dimmed" ta="center">
            Single sign-on proves who you are; your roles and permissions are still managed in Atrium.
          </Text>
        </>
      )}
    </AuthLayout>
  );
}
