import { Alert, Button, Loader, Stack } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { queryClient } from '../../api/queryClient';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AuthLayout } from '../../layout/AuthLayout';

/**
 * Landing page for a verification link that points at the console
 * (`/verify-email?token=`): confirms the address with POST
 * /v1/auth/verify-email. Links that point at the API redirect to
 * `/?emailVerified=1` instead, which the home page announces.
 */
export function VerifyEmailPage() {
  const [token] = useState(
    () =>
      new URLSearchParams(window.location.search).get('token') ??
      new URLSearchParams(window.location.hash.slice(1)).get('token') ??
      '',
  );
  const verify = useMutation({
    mutationFn: () => api.POST('/v1/auth/verify-email', { body: { token } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['me'] }),
  });
  const { mutate } = verify;
  useEffect(() => {
    if (token) mutate();
  }, [token, mutate]);

  return (
    <AuthLayout title="Confirm your email">
      <Stack>
        {verify.isPending && <Loader aria-label="Confirming" />}
        {verify.isSuccess && (
          <Alert color="green" variant="light" role="status" title="Email confirmed">
            Thank you — your address is confirmed.
          </Alert>
        )}
        {!token && <ErrorAlert error={new Error('This page needs the link from your email.')} />}
        <ErrorAlert error={verify.error} title="This link does not work any more" />
        <Button component={Link} to="/">
          Continue to Atrium
        </Button>
      </Stack>
    </AuthLayout>
  );
}
