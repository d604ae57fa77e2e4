import type { Capability } from '@atrium/policy';
import { Center, Group, Loader, Stack, Tabs, Text, Title } from '@mantine/core';
import {
  IconActivity,
  IconCreditCard,
  IconHelpCircle,
  IconKey,
  IconRobot,
  IconSettings,
  IconUsers,
} from '@tabler/icons-react';
import { useEffect } from 'react';
import { Outlet, useLocation, useNavigate, useOutletContext, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { useWorkspace } from '../../api/hooks';
import type { Workspace } from '../../api/types';
import { RoleBadge } from '../../components/badges';
import { ErrorAlert } from '../../components/ErrorAlert';
import { rememberWorkspace } from '../Home';
import { NotFoundPage } from '../NotFound';

/** What every workspace tab gets from the layout. */
export interface WorkspaceContext {
  workspace: Workspace;
  /** Whether the signed-in person holds a capability here, as the server said (`can` block). */
  can: (cap: Capability) => boolean;
}

export function useWorkspaceContext(): WorkspaceContext {
  return useOutletContext<WorkspaceContext>();
}

interface TabDef {
  value: string;
  label: string;
  icon: typeof IconUsers;
  /** The capability needed to see the tab; tabs without one are shown to every member. */
  needs?: Capability;
}

/** The workspace home's tabs (seed 000: Users beside Agents and API Keys; docs/rules.md §2 for who sees what). */
const TABS: TabDef[] = [
  { value: 'agents', label: 'Agents', icon: IconRobot },
  { value: 'users', label: 'Users', icon: IconUsers },
  { value: 'api-keys', label: 'API Keys', icon: IconKey, needs: 'workspace.manage' },
  { value: 'settings', label: 'Settings', icon: IconSettings },
  { value: 'billing', label: 'Billing', icon: IconCreditCard, needs: 'billing.manage' },
  { value: 'activity', label: 'Activity', icon: IconActivity, needs: 'activity.read' },
  { value: 'help', label: 'Help', icon: IconHelpCircle },
];

/** The workspace frame: name, my role, and the tabs I may see. */
export function WorkspaceLayout() {
  const { workspaceId = '' } = useParams();
  const navigate = useNavigate();
  const location = useLocation();
  const workspace = useWorkspace(workspaceId);
  useEffect(() => {
    if (workspace.data) rememberWorkspace(workspace.data.id);
  }, [workspace.data]);

  if (workspace.isPending)
    return (
      <Center mt={120}>
        <Loader aria-label="Loading the workspace" />
      </Center>
    );
  if (workspace.error) {
    if (workspace.error instanceof ApiError && workspace.error.status === 404)
      return <NotFoundPage what="workspace" />;
    return <ErrorAlert error={workspace.error} onRetry={() => workspace.refetch()} />;
  }
  const ws = workspace.data;
  const can = (cap: Capability) => ws.can?.[cap] === true;
  const current = location.pathname.split('/')[3] ?? 'agents';
  const tabs = TABS.filter((t) => !t.needs || can(t.needs));

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Text fz="xs" tt="uppercase" fw={700} c="dimmed" lts={0.5}>
            Workspace
          </Text>
          <Group gap="sm">
            <Title order={1} fz={26}>
              {ws.name}
            </Title>
            <RoleBadge role={ws.role} />
          </Group>
        </div>
      </Group>
      <Tabs
        value={current}
        onChange={(v) => v && navigate(`/w/${ws.id}/${v}`)}
        variant="default"
        keepMounted={false}
        aria-label="Workspace sections"
      >
        <Tabs.List>
          {tabs.map((t) => (
            <Tabs.Tab key={t.value} value={t.value} leftSection={<t.icon size={16} aria-hidden="true" />}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Outlet context={{ workspace: ws, can } satisfies WorkspaceContext} />
    </Stack>
  );
}
