import {
  Badge,
  Button,
  Group,
  Paper,
  PasswordInput,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, errorMessage, fieldError } from '../api/client';
import { queryClient } from '../api/queryClient';
import { useMe } from '../api/session';
import { ErrorAlert } from '../components/ErrorAlert';
import { relativeTime } from '../components/format';
import { QueryPanel } from '../components/QueryPanel';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { PASSWORD_HINT } from './auth/SignUp';

function browserOf(ua: string | null): string {
  if (!ua) return 'Unknown device';
  const name = /Firefox/.test(ua)
    ? 'Firefox'
    : /Edg\//.test(ua)
      ? 'Edge'
      : /Chrom/.test(ua)
        ? 'Chrome'
        : /Safari/.test(ua)
          ? 'Safari'
          : 'Browser';
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /Mac OS/.test(ua)
      ? 'macOS'
      : /Linux/.test(ua)
        ? 'Linux'
        : /Android/.test(ua)
          ? 'Android'
          : /iPhone|iPad/.test(ua)
            ? 'iOS'
            : '';
  return os ? `${name} on ${os}` : name;
}

/** Own profile, password and sessions (docs/rules.md §2: every user manages their own). */
export function AccountPage() {
  useDocumentTitle('Your account');
  const me = useMe();
  const [name, setName] = useState(me.data?.name ?? '');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [pwError, setPwError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const sessions = useQuery({
    queryKey: ['me', 'sessions'],
    queryFn: async () => (await api.GET('/v1/me/sessions')).sessions,
  });

  async function saveName() {
    try {
      await api.PATCH('/v1/me', { body: { name: name.trim() } });
      await queryClient.invalidateQueries({ queryKey: ['me'] });
      notifications.show({ color: 'green', title: 'Profile saved', message: name.trim() });
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not save', message: errorMessage(err) });
    }
  }

  async function changePassword(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setPwError(null);
    try {
      await api.POST('/v1/me/password', { body: { currentPassword: current, newPassword: next } });
      setCurrent('');
      setNext('');
      await sessions.refetch();
      notifications.show({
        color: 'green',
        title: 'Password changed',
        message: 'Your other sessions were signed out.',
      });
    } catch (err) {
      setPwError(err);
    } finally {
      setBusy(false);
    }
  }

  async function revoke(id: string | 'others') {
    try {
      if (id === 'others') await api.POST('/v1/me/sessions/revoke-others');
      else await api.DELETE('/v1/me/sessions/{id}', { params: { path: { id } } });
      await sessions.refetch();
    } catch (err) {
      notifications.show({
        color: 'red',
        title: 'Could not sign out that session',
        message: errorMessage(err),
      });
    }
  }

  return (
    <Stack maw={960}>
      <Title order={1} fz={24}>
        Your account
      </Title>
      <SimpleGrid cols={2}>
        <Paper withBorder p="md">
          <Title order={2} fz="lg" mb="sm">
            Profile
          </Title>
          <Stack gap="sm">
            <TextInput label="Email" value={me.data?.email ?? ''} readOnly disabled />
            <Group align="flex-end">
              <TextInput
                label="Name"
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                style={{ flex: 1 }}
              />
              <Button
                variant="default"
                onClick={saveName}
                disabled={!name.trim() || name.trim() === me.data?.name}
              >
                Save
              </Button>
            </Group>
          </Stack>
        </Paper>
        <Paper withBorder p="md">
          <Title order={2} fz="lg" mb="sm">
            Password
          </Title>
          <form onSubmit={changePassword} noValidate>
            <Stack gap="sm">
              <PasswordInput
                label="Current password"
                autoComplete="current-password"
                value={current}
                onChange={(e) => setCurrent(e.currentTarget.value)}
                error={fieldError(pwError, 'currentPassword')}
              />
              <PasswordInput
                label="New password"
                autoComplete="new-password"
                description={PASSWORD_HINT}
                value={next}
                onChange={(e) => setNext(e.currentTarget.value)}
                error={fieldError(pwError, 'newPassword')}
              />
              <ErrorAlert error={pwError} />
              <Button type="submit" loading={busy} disabled={!current || !next}>
                Change password
              </Button>
            </Stack>
          </form>
        </Paper>
      </SimpleGrid>
      <Paper withBorder p="md">
        <Group justify="space-between" mb="sm">
          <Title order={2} fz="lg">
            Sessions
          </Title>
          <Button variant="default" size="xs" onClick={() => revoke('others')}>
            Sign out everywhere else
          </Button>
        </Group>
        <QueryPanel query={sessions} retry={false}>
          <Table aria-label="Your sessions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Device</Table.Th>
                <Table.Th>IP</Table.Th>
                <Table.Th>Signed in</Table.Th>
                <Table.Th>Last seen</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(sessions.data ?? []).map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>
                    <Group gap="xs">
                      <Text fz="sm">{browserOf(s.userAgent)}</Text>
                      {s.current && <Badge size="xs">This browser</Badge>}
                      {s.method === 'sso' && (
                        <Badge size="xs" variant="outline">
                          SSO
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm">{s.ip ?? '—'}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm">{relativeTime(s.createdAt)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm">{relativeTime(s.lastSeenAt)}</Text>
                  </Table.Td>
                  <Table.Td>
                    {!s.current && (
                      <Button size="compact-xs" variant="subtle" color="red" onClick={() => revoke(s.id)}>
                        Sign out
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </QueryPanel>
      </Paper>
    </Stack>
  );
}
