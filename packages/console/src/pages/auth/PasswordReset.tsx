import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, fieldError } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AuthLayout } from '../../layout/AuthLayout';
import { PASSWORD_HINT } from './SignUp';

/** Asks for a reset link. The answer is the same whether or not the address has an account. */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.POST('/v1/auth/password-reset', { body: { email: email.trim() } });
      setSent(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthLayout
      title="Reset your password"
      subtitle="We will email you a link to choose a new one."
      footer={
        <Anchor component={Link} to="/sign-in">
          Back to sign in
        </Anchor>
      }
    >
      {sent ? (
        <Alert color="green" variant="light" role="status" title="Check your inbox">
          If an account exists for {email}, a reset link is on its way. It works once and expires soon.
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <TextInput
              label="Email"
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              error={fieldError(error, 'email')}
              autoFocus
            />
            <ErrorAlert error={error} />
            <Button type="submit" loading={busy} fullWidth>
              Email me a link
            </Button>
          </Stack>
        </form>
      )}
    </AuthLayout>
  );
}

/** The token arrives in the fragment (`#token=`, never sent to servers or logs) or the query. */
function tokenFromLocation(): string {
  const hash = new URLSearchParams(window.location.hash.slice(1));
  return hash.get('token') ?? new URLSearchParams(window.location.search).get('token') ?? '';
}

/** Sets a new password from the emailed link; every session ends, so the person signs in again. */
export function ResetPasswordPage() {
  const navigate = useNavigate();
  const [token] = useState(tokenFromLocation);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.POST('/v1/auth/password-reset/confirm', { body: { token, password } });
      notifications.show({
        color: 'green',
        title: 'Password changed',
        message: 'Sign in with your new password.',
      });
      navigate('/sign-in', { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthLayout title="Choose a new password" subtitle="You will be signed out everywhere else.">
      {!token ? (
        <Text>
          This page needs the link from your email.{' '}
          <Anchor component={Link} to="/forgot-password">
            Ask for a new link
          </Anchor>
          .
        </Text>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <PasswordInput
              label="New password"
              autoComplete="new-password"
              description={PASSWORD_HINT}
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              error={fieldError(error, 'password')}
              autoFocus
            />
            <ErrorAlert error={error} />
            <Button type="submit" loading={busy} fullWidth>
              Set password
            </Button>
          </Stack>
        </form>
      )}
    </AuthLayout>
  );
}
