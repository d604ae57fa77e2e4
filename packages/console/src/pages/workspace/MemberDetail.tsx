import { type Matrix, normalizeMatrix, toMatrixInput } from '@atrium/policy';
import {
  Alert,
  Anchor,
  Avatar,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  SegmentedControl,
  Select,
  Skeleton,
  Stack,
  Switch,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconDeviceFloppy, IconTrash } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, errorMessage, type RequestBodyOf } from '../../api/client';
import { invalidateWorkspace, useMember, usePolicies, usePresets } from '../../api/hooks';
import { useMe } from '../../api/session';
import type { Member, WorkspaceRole } from '../../api/types';
import { RoleBadge } from '../../components/badges';
import { ConfirmTyped } from '../../components/ConfirmTyped';
import { EffectiveView } from '../../components/EffectiveView';
import { ErrorAlert } from '../../components/ErrorAlert';
import { relativeTime } from '../../components/format';
import { PermissionMatrix } from '../../components/PermissionMatrix';
import { capHints } from '../../components/policyCaps';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { initials } from '../../layout/Shell';
import { NotFoundPage } from '../NotFound';
import { presetMatrix, presetName, presetOptions } from './presetOptions';
import { useWorkspaceContext } from './WorkspaceLayout';

type Mode = 'preset' | 'custom';

function sameMatrix(a: Matrix, b: Matrix): boolean {
  return JSON.stringify(normalizeMatrix(a)) === JSON.stringify(normalizeMatrix(b));
}

/**
 * A member's workspace permissions (seed 000's matrix): link a preset, or set
 * a custom matrix area by area and item by item; saving takes effect at once
 * (the server bumps the revision and returns it).
 */
function PermissionsEditor({
  member,
  workspaceId,
  editable,
}: {
  member: Member;
  workspaceId: string;
  editable: boolean;
}) {
  const presets = usePresets(workspaceId);
  const policies = usePolicies(workspaceId);
  const [mode, setMode] = useState<Mode>(member.presetId ? 'preset' : 'custom');
  const [presetId, setPresetId] = useState<string | null>(member.presetId);
  const [matrix, setMatrix] = useState<Matrix>(member.matrix ?? {});
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  // When the server's copy changes (after a save or elsewhere), start from it again.
  useEffect(() => {
    setMode(member.presetId ? 'preset' : 'custom');
    setPresetId(member.presetId);
    setMatrix(member.matrix ?? {});
  }, [member.presetId, member.matrix]);

  const dirty =
    mode === 'preset'
      ? presetId !== member.presetId
      : member.presetId !== null || !sameMatrix(matrix, member.matrix ?? {});
  const shown: Matrix = mode === 'preset' ? (presetMatrix(presets.data, presetId) ?? {}) : matrix;
  const caps = useMemo(() => capHints(policies.data), [policies.data]);

  async function save() {
    setSaving(true);
    setError(null);
    try {
      const body = mode === 'preset' ? { presetId } : { matrix: toMatrixInput(matrix) };
      const res = await api.PATCH('/v1/workspaces/{workspaceId}/members/{userId}', {
        params: { path: { workspaceId, userId: member.userId } },
        body,
      });
      notifications.show({
        color: 'green',
        title: 'Permissions saved',
        message: `In effect now${res.revision !== undefined ? ` (revision ${res.revision})` : ''}.`,
      });
      await invalidateWorkspace(workspaceId);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  function discard() {
    setMode(member.presetId ? 'preset' : 'custom');
    setPresetId(member.presetId);
    setMatrix(member.matrix ?? {});
    setError(null);
  }

  return (
    <Stack gap="sm">
      {editable && (
        <Group justify="space-between" align="flex-end">
          <Group align="flex-end">
            <div>
              <Text fz="sm" fw={500} mb={4} id="grant-mode-label">
                Permissions come from
              </Text>
              <SegmentedControl
                aria-labelledby="grant-mode-label"
                value={mode}
                onChange={(v) => {
                  const next = v as Mode;
                  // Switching to custom starts from what the preset gives, to tweak it.
                  if (next === 'custom' && mode === 'preset') setMatrix(shown);
                  setMode(next);
                }}
                data={[
                  { value: 'preset', label: 'A preset' },
                  { value: 'custom', label: 'Custom' },
                ]}
              />
            </div>
            {mode === 'preset' && (
              <Select
                label="Preset"
                aria-label="Preset"
                placeholder="Choose a preset"
                value={presetId ? `preset:${presetId}` : null}
                onChange={(v) => setPresetId(v ? v.replace(/^preset:/, '') : null)}
                data={presetOptions(presets.data ?? [])}
                w={260}
                searchable
              />
            )}
          </Group>
          <Group gap="xs">
            {dirty && (
              <Badge color="orange" variant="light">
                Unsaved changes
              </Badge>
            )}
            <Button variant="default" disabled={!dirty || saving} onClick={discard}>
              Discard
            </Button>
            <Button
              leftSection={<IconDeviceFloppy size={16} />}
              disabled={!dirty || (mode === 'preset' && !presetId)}
              loading={saving}
              onClick={save}
            >
              Save permissions
            </Button>
          </Group>
        </Group>
      )}
      {!editable && (
        <Text fz="sm" c="dimmed">
          {member.presetId
            ? `Linked to the preset “${presetName(presets.data, member.presetId)}”.`
            : 'Custom permissions.'}
        </Text>
      )}
      {mode === 'preset' && editable && (
        <Text fz="sm" c="dimmed">
          Linked presets stay in sync: editing a custom preset changes everyone linked to it. Switch to Custom
          to adjust single items.
        </Text>
      )}
      <ErrorAlert error={error} title="Could not save" />
      <PermissionMatrix
        value={shown}
        onChange={editable && mode === 'custom' ? setMatrix : undefined}
        caps={caps}
        label={`${member.name || member.email}'s workspace permissions`}
      />
    </Stack>
  );
}

function RoleAndAccess({
  member,
  workspaceId,
  editable,
  mayChangeRole,
}: {
  member: Member;
  workspaceId: string;
  editable: boolean;
  mayChangeRole: boolean;
}) {
  const [pendingRole, setPendingRole] = useState<WorkspaceRole | null>(null);
  const [busy, setBusy] = useState(false);

  async function patch(
    body: RequestBodyOf<'/v1/workspaces/{workspaceId}/members/{userId}', 'patch'>,
    done: string,
  ) {
    setBusy(true);
    try {
      await api.PATCH('/v1/workspaces/{workspaceId}/members/{userId}', {
        params: { path: { workspaceId, userId: member.userId } },
        body,
      });
      notifications.show({ color: 'green', title: done, message: 'In effect now.' });
      await invalidateWorkspace(workspaceId);
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not save', message: errorMessage(err) });
    } finally {
      setBusy(false);
      setPendingRole(null);
    }
  }

  return (
    <Paper withBorder p="md">
      <Group justify="space-between" align="flex-start">
        <Select
          label="Workspace role"
          value={member.role}
          disabled={!mayChangeRole || busy}
          onChange={(v) => v && v !== member.role && setPendingRole(v)}
          allowDeselect={false}
          data={[
            { value: 'member', label: 'Member' },
            { value: 'admin', label: 'Admin' },
          ]}
          w={200}
        />
        <Switch
          mt={28}
          label="Access to every agent"
          description="Otherwise only the agents they hold a role on"
          checked={member.agentAccess === 'all'}
          disabled={!editable || busy || member.role === 'admin'}
          onChange={(e) =>
            patch({ agentAccess: e.currentTarget.checked ? 'all' : 'assigned' }, 'Agent access changed')
          }
        />
      </Group>
      <Modal
        opened={pendingRole !== null}
        onClose={() => setPendingRole(null)}
        title="Change the workspace role?"
      >
        <Stack>
          <Text fz="sm">
            Make {member.name || member.email} {pendingRole === 'admin' ? 'an admin' : 'a member'}? Their
            agent roles and agent permissions will be reset.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setPendingRole(null)}>
              Cancel
            </Button>
            <Button
              loading={busy}
              onClick={() => pendingRole && patch({ role: pendingRole, confirmReset: true }, 'Role changed')}
            >
              Change role and reset agent permissions
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

/** A member's page: role, agent access, permissions (editor), effective access (explained) and agents. */
export function MemberDetail() {
  const { userId = '' } = useParams();
  const { workspace, can } = useWorkspaceContext();
  const me = useMe();
  const navigate = useNavigate();
  const member = useMember(workspace.id, userId);
  const [removing, setRemoving] = useState(false);
  useDocumentTitle(member.data?.name, 'Users', workspace.name);

  if (member.isPending) return <Skeleton h={300} />;
  if (member.error) {
    if (member.error instanceof ApiError && member.error.status === 404)
      return <NotFoundPage what="member" />;
    return <ErrorAlert error={member.error} onRetry={() => member.refetch()} />;
  }
  const m = member.data;
  const self = me.data?.id === m.userId;
  // Nobody edits their own role or permissions (docs/rules.md §4); only admins edit others'.
  const editable = m.can ? m.can.edit === true : can('workspace.manage') && !self;
  const mayChangeRole = m.can ? m.can.changeRole === true : editable;
  const mayRemove = m.can ? m.can.remove === true : editable;

  return (
    <Stack gap="md">
      <Anchor component={Link} to={`/w/${workspace.id}/users`} fz="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden="true" /> All users
        </Group>
      </Anchor>
      <Group justify="space-between">
        <Group>
          <Avatar size={52} radius="xl" color="atrium">
            {initials(m.name, m.email)}
          </Avatar>
          <div>
            <Group gap="xs">
              <Title order={2} fz={22}>
                {m.name || m.email}
              </Title>
              <RoleBadge role={m.role} />
              {self && (
                <Badge variant="outline" color="gray">
                  You
                </Badge>
              )}
            </Group>
            <Text c="dimmed" fz="sm">
              {m.email} · last active {relativeTime(m.lastActivityAt)}
            </Text>
          </div>
        </Group>
        {mayRemove && (
          <Button
            variant="subtle"
            color="red"
            leftSection={<IconTrash size={16} />}
            onClick={() => setRemoving(true)}
          >
            Remove from workspace
          </Button>
        )}
      </Group>
      {self && (
        <Alert variant="light" color="gray">
          This is you. Nobody edits their own role or permissions; another admin can.
        </Alert>
      )}
      <RoleAndAccess
        member={m}
        workspaceId={workspace.id}
        editable={editable}
        mayChangeRole={mayChangeRole}
      />
      <Tabs defaultValue="permissions" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="permissions">Permissions</Tabs.Tab>
          <Tabs.Tab value="effective">Effective access</Tabs.Tab>
          <Tabs.Tab value="agents">Agents ({m.role === 'admin' ? 'all' : m.agents.length})</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="permissions" pt="md">
          {m.role === 'admin' ? (
            <Alert variant="light" color="atrium" title="Admins have Edit on everything">
              Workspace admins are not limited by permissions or policies. Make them a member to set granular
              permissions.
            </Alert>
          ) : (
            <PermissionsEditor member={m} workspaceId={workspace.id} editable={editable} />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="effective" pt="md">
          <EffectiveView workspaceId={workspace.id} userId={m.userId} />
        </Tabs.Panel>
        <Tabs.Panel value="agents" pt="md">
          <Paper withBorder p="md">
            {m.role === 'admin' || m.agentAccess === 'all' ? (
              <Text fz="sm">Has access to every agent of the workspace.</Text>
            ) : null}
            {m.agents.length === 0 ? (
              <Text fz="sm" c="dimmed">
                Holds no role on any agent.
              </Text>
            ) : (
              <Stack gap="xs">
                {m.agents.map((a) => (
                  <Group key={a.agentId} justify="space-between">
                    <Anchor component={Link} to={`/w/${workspace.id}/agents/${a.agentId}`}>
                      {a.name}
                    </Anchor>
                    <RoleBadge role={a.role} />
                  </Group>
                ))}
              </Stack>
            )}
          </Paper>
        </Tabs.Panel>
      </Tabs>
      <ConfirmTyped
        opened={removing}
        onClose={() => setRemoving(false)}
        title="Remove this member?"
        description={`${m.name || m.email} loses access to ${workspace.name} and every agent in it, at once.`}
        expected={m.email}
        action="Remove member"
        onConfirm={async (typed) => {
          await api.DELETE('/v1/workspaces/{workspaceId}/members/{userId}', {
            params: { path: { workspaceId: workspace.id, userId: m.userId } },
            body: { confirm: typed },
          });
          await invalidateWorkspace(workspace.id);
          notifications.show({ color: 'green', title: 'Member removed', message: m.email });
          navigate(`/w/${workspace.id}/users`);
        }}
      />
    </Stack>
  );
}
