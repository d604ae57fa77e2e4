import { Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, fieldError, setCsrfToken } from '../../api/client';
import { queryClient } from '../../api/queryClient';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AuthLayout } from '../../layout/AuthLayout';
import { safeNext } from './SignIn';

/** Passwords: at least 12 characters, no composition rules (NIST SP 800-63B, as the server checks). */
export const PASSWORD_HINT = 'At least 12 characters. A long phrase is easier to remember than symbols.';

/** Creates an account (the server emails a verification link) and signs in. */
export function SignUpPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [email, setEmail] = useState(params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api.POST('/v1/auth/sign-up', {
        body: { name: name.trim(), email: email.trim(), password },
      });
      setCsrfToken(res.csrfToken);
      queryClient.clear();
      queryClient.setQueryData(['me'], res.user);
      navigate(next === '/' ? '/workspaces/new?welcome=1' : next, { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthLayout
      title="Create your account"
      subtitle="One account for every workspace you belong to."
      footer={
        <>
          Already have an account?{' '}
          <Anchor component={Link} to={`/sign-in${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>
            Sign in
          </Anchor>
        </>
      }
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput
            label="Full name"
            autoComplete="name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldError(error, 'name')}
            autoFocus
          />
          <TextInput
            label="Work email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={fieldError(error, 'email')}
          />
          <PasswordInput
            label="Password"
            autoComplete="new-password"
            required
            description={PASSWORD_HINT}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={fieldError(error, 'password')}
          />
          <ErrorAlert error={error} title="Could not create the account" />
          <Button type="submit" loading={busy} fullWidth>
            Create account
          </Button>
          <Text fz="xs" c="dimmed">
            We will email you a link to confirm your address.
          </Text>
        </Stack>
      </form>
    </AuthLayout>
  );
}
