import { Alert, Anchor, Button, Group, Loader, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError, api, fieldError, setCsrfToken } from '../../api/client';
import { queryClient } from '../../api/queryClient';
import { signIn, signOut, useMe } from '../../api/session';
import type { Accepted } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AuthLayout } from '../../layout/AuthLayout';
import { PASSWORD_HINT } from './SignUp';

function tokenFromLocation(): string {
  const q = new URLSearchParams(window.location.search).get('token');
  const h = new URLSearchParams(window.location.hash.slice(1)).get('token');
  return q ?? h ?? '';
}

/**
 * Accepting an invitation (docs/rules.md §4): look the token up (public), then either
 * join as the signed-in user (the email must match), create the account with
 * the invited email and join in one step, or sign in first.
 */
export function AcceptInvitationPage() {
  const [token] = useState(tokenFromLocation);
  const navigate = useNavigate();
  const me = useMe();
  const lookup = useQuery({
    queryKey: ['invitation-lookup', token],
    queryFn: () => api.GET('/v1/invitations/lookup', { params: { query: { token } } }),
    enabled: token !== '',
    retry: false,
  });
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const inv = lookup.data;
  const workspaceName = inv?.workspace.name ?? 'a workspace';
  const inviter = inv?.inviter?.name || null;
  const signedInAs = me.data?.email ?? null;
  const emailMatches = signedInAs !== null && inv !== undefined && signedInAs === inv.email.toLowerCase();
  const here = `${window.location.pathname}${window.location.search}${window.location.hash}`;

  async function finish(res: Accepted) {
    if (res.csrfToken) setCsrfToken(res.csrfToken);
    queryClient.clear();
    navigate(`/w/${res.workspaceId}`, { replace: true });
  }

  async function accept() {
    setBusy(true);
    setError(null);
    try {
      await finish(await api.POST('/v1/invitations/accept', { body: { token } }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function signUpAndAccept(e: FormEvent) {
    e.preventDefault();
    if (!inv) return;
    setBusy(true);
    setError(null);
    try {
      const res = await api.POST('/v1/invitations/accept', {
        body: { token, name: name.trim(), password },
      });
      // The account now exists; make sure there is a session for it.
      if (!res.csrfToken) await signIn(inv.email, password);
      await finish(res);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (!token) {
    return (
      <AuthLayout title="Invitation">
        <Text>This page needs the link from your invitation email.</Text>
      </AuthLayout>
    );
  }
  if (lookup.isPending || me.isPending) {
    return (
      <AuthLayout title="Invitation">
        <Group justify="center">
          <Loader aria-label="Loading the invitation" />
        </Group>
      </AuthLayout>
    );
  }
  if (lookup.error) {
    const gone = lookup.error instanceof ApiError && [404, 410].includes(lookup.error.status);
    return (
      <AuthLayout title="This invitation cannot be used">
        <ErrorAlert error={lookup.error} title={gone ? 'Invitation unavailable' : undefined} />
        <Text fz="sm" c="dimmed">
          Ask the person who invited you to send a new invitation.
        </Text>
      </AuthLayout>
    );
  }
  if (!inv) return null;
  const status = inv.status;
  if (status !== 'pending') {
    return (
      <AuthLayout title="This invitation cannot be used">
        <Alert color="orange" variant="light" title={`Invitation ${status}`}>
          {status === 'accepted'
            ? 'It has already been used. Sign in to reach the workspace.'
            : 'Ask the person who invited you to send a new invitation.'}
        </Alert>
        <Button component={Link} to="/sign-in">
          Sign in
        </Button>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      title={`Join ${workspaceName}`}
      subtitle={
        <>
          {inviter ? `${inviter} invited ` : 'You were invited as '}
          <b>{inv.email}</b>
          {inviter ? ' to collaborate on Atrium.' : '.'}
        </>
      }
    >
      {signedInAs ? (
        emailMatches ? (
          <Stack gap="sm">
            <Text fz="sm">You are signed in as {signedInAs}.</Text>
            <ErrorAlert error={error} title="Could not join" />
            <Button onClick={accept} loading={busy}>
              Accept and join {workspaceName}
            </Button>
          </Stack>
        ) : (
          <Stack gap="sm">
            <Alert color="orange" variant="light" title="Different account">
              You are signed in as {signedInAs}, but this invitation is for {inv.email}.
            </Alert>
            <Button variant="default" onClick={() => signOut().then(() => me.refetch())}>
              Sign out and continue as {inv.email}
            </Button>
          </Stack>
        )
      ) : inv.accountExists ? (
        <Stack gap="sm">
          <Text fz="sm">{inv.email} already has an Atrium account. Sign in to accept.</Text>
          <Button
            component={Link}
            to={`/sign-in?email=${encodeURIComponent(inv.email)}&next=${encodeURIComponent(here)}`}
          >
            Sign in to accept
          </Button>
        </Stack>
      ) : (
        <form onSubmit={signUpAndAccept} noValidate>
          <Stack gap="sm">
            <TextInput label="Email" value={inv.email} readOnly disabled />
            <TextInput
              label="Full name"
              autoComplete="name"
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={fieldError(error, 'name')}
              autoFocus
            />
            <PasswordInput
              label="Choose a password"
              autoComplete="new-password"
              description={PASSWORD_HINT}
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              error={fieldError(error, 'password')}
            />
            <ErrorAlert error={error} title="Could not join" />
            <Button type="submit" loading={busy}>
              Create account and join
            </Button>
            <Text fz="sm" c="dimmed" ta="center">
              Already have an account?{' '}
              <Anchor
                fz="sm"
                component={Link}
                to={`/sign-in?email=${encodeURIComponent(inv.email)}&next=${encodeURIComponent(here)}`}
              >
                Sign in
              </Anchor>
            </Text>
          </Stack>
        </form>
      )}
    </AuthLayout>
  );
}
