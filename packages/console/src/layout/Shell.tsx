import {
  Alert,
  Anchor,
  Avatar,
  Box,
  Button,
  Container,
  Group,
  Menu,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconChevronDown, IconLogout, IconMail, IconPlus, IconSelector, IconUser } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { api, errorMessage } from '../api/client';
import { useWorkspaces } from '../api/hooks';
import { signOut, useMe } from '../api/session';
import { RoleBadge } from '../components/badges';
import { Logo } from '../components/Logo';

/** Loopback hosts, where development servers run. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether the server runs in development mode: the dev mailbox answers only
 * then (404 in production). Asked only on loopback hosts, so a production
 * console never logs the probe's 404 in the browser console.
 */
function useDevMode(): boolean {
  const q = useQuery({
    enabled: LOCAL_HOSTS.has(window.location.hostname),
    queryKey: ['dev-mailbox-probe'],
    queryFn: async () => {
      await api.GET('/v1/dev/mailbox');
      return true;
    },
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
  return q.data === true;
}

/** Initials for an avatar. */
export function initials(name: string | undefined, email?: string): string {
  const source = (name ?? '').trim() || (email ?? '?');
  const parts = source.split(/[\s@.]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase();
}

function WorkspaceSwitcher() {
  const { workspaceId } = useParams();
  const navigate = useNavigate();
  const workspaces = useWorkspaces();
  const current = workspaces.data?.find((w) => w.id === workspaceId);
  return (
    <Menu position="bottom-start" width={280} shadow="md">
      <Menu.Target>
        <UnstyledButton
          aria-label={`Workspace: ${current?.name ?? 'choose a workspace'}. Switch workspace`}
          px="sm"
          py={6}
          style={{ borderRadius: 8, border: '1px solid var(--mantine-color-gray-3)', background: 'white' }}
        >
          <Group gap={8} wrap="nowrap">
            {current && (
              <Avatar size={24} radius="sm" color="atrium" variant="filled">
                {initials(current.name)}
              </Avatar>
            )}
            <Text fw={600} fz="sm" maw={220} truncate>
              {current?.name ?? 'Workspaces'}
            </Text>
            <IconSelector size={16} color="var(--mantine-color-gray-6)" aria-hidden="true" />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Your workspaces</Menu.Label>
        {(workspaces.data ?? []).map((w) => (
          <Menu.Item
            key={w.id}
            onClick={() => navigate(`/w/${w.id}`)}
            rightSection={<RoleBadge role={w.role} size="xs" />}
            fw={w.id === workspaceId ? 600 : undefined}
          >
            {w.name}
          </Menu.Item>
        ))}
        <Menu.Divider />
        <Menu.Item leftSection={<IconPlus size={14} />} onClick={() => navigate('/workspaces/new')}>
          Create a workspace
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

function UserMenu() {
  const me = useMe();
  const navigate = useNavigate();
  const user = me.data;
  return (
    <Menu position="bottom-end" width={240} shadow="md">
      <Menu.Target>
        <UnstyledButton aria-label={`Account menu for ${user?.name ?? 'you'}`}>
          <Group gap={8} wrap="nowrap">
            <Avatar size={30} radius="xl" color="atrium">
              {initials(user?.name, user?.email)}
            </Avatar>
            <Box visibleFrom="sm">
              <Text fz="sm" fw={600} lh={1.2}>
                {user?.name}
              </Text>
              <Text fz="xs" c="dimmed" lh={1.2}>
                {user?.email}
              </Text>
            </Box>
            <IconChevronDown size={14} aria-hidden="true" />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item leftSection={<IconUser size={14} />} onClick={() => navigate('/account')}>
          Profile and sessions
        </Menu.Item>
        <Menu.Item
          leftSection={<IconLogout size={14} />}
          color="red"
          onClick={() => signOut().then(() => navigate('/sign-in'))}
        >
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

/** Reminds a person whose address is not confirmed yet, with a way to get a new link. */
function VerifyEmailBanner() {
  const me = useMe();
  const [sent, setSent] = useState(false);
  const user = me.data;
  if (user?.emailVerified !== false) return null;
  return (
    <Alert color="yellow" variant="light" radius={0} py={8} role="status">
      <Group justify="center" gap="sm">
        <Text fz="sm">Confirm your email address: we sent a link to {user.email}.</Text>
        <Button
          size="compact-sm"
          variant="white"
          color="yellow"
          disabled={sent}
          onClick={() =>
            api
              .POST('/v1/me/verify-email')
              .then(() => setSent(true))
              .catch((err) =>
                notifications.show({ color: 'red', title: 'Could not send', message: errorMessage(err) }),
              )
          }
        >
          {sent ? 'Sent' : 'Send a new link'}
        </Button>
      </Group>
    </Alert>
  );
}

/** The signed-in frame: header with logo, workspace switcher, dev mailbox (development) and account menu. */
export function Shell({ children }: { children: ReactNode }) {
  const dev = useDevMode();
  const { pathname } = useLocation();
  const first = useRef(true);
  // Focus handling: after a navigation, move focus to the page's content so keyboard and
  // screen-reader users start there — except when they are moving along the tabs.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const active = document.activeElement;
    const main = document.getElementById('main');
    if (pathname && active?.closest('[role="tablist"]')) return;
    // A page that focused one of its own fields (autofocus) keeps it.
    if (active && main?.contains(active) && active.matches('input, textarea, select')) return;
    main?.focus({ preventScroll: true });
  }, [pathname]);
  return (
    <Box mih="100vh">
      {/* WCAG 2.4.1: keyboard users skip the header. */}
      <Anchor href="#main" className="atrium-skip-link">
        Skip to content
      </Anchor>
      <Box
        component="header"
        h={60}
        px="lg"
        bg="white"
        style={{
          borderBottom: '1px solid var(--mantine-color-gray-3)',
          position: 'sticky',
          top: 0,
          zIndex: 100,
        }}
      >
        <Group h="100%" justify="space-between" wrap="nowrap">
          <Group gap="lg" wrap="nowrap">
            <Anchor component={Link} to="/" underline="never" aria-label="Atrium home">
              <Logo size={26} />
            </Anchor>
            <WorkspaceSwitcher />
          </Group>
          <Group gap="md" wrap="nowrap">
            {dev && (
              <Button
                component={Link}
                to="/dev/mailbox"
                variant="subtle"
                color="gray"
                size="compact-sm"
                leftSection={<IconMail size={16} />}
              >
                Dev mailbox
              </Button>
            )}
            <UserMenu />
          </Group>
        </Group>
      </Box>
      <VerifyEmailBanner />
      <Container size="xl" py="lg" component="main" id="main" tabIndex={-1}>
        {children}
      </Container>
    </Box>
  );
}
