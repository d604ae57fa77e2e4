import type { Matrix } from '@atrium/policy';
import { toMatrixInput } from '@atrium/policy';
import {
  Alert,
  Button,
  Group,
  List,
  Modal,
  MultiSelect,
  SegmentedControl,
  Select,
  Stack,
  TagsInput,
  Text,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { api, fieldError, type RequestBodyOf, type ResponseOf } from '../../api/client';
import { invalidateWorkspace, useAgents, usePresets } from '../../api/hooks';
import type { AgentRole, WorkspaceRole } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PermissionMatrix } from '../../components/PermissionMatrix';
import { presetOptions } from './presetOptions';
import type { WorkspaceContext } from './WorkspaceLayout';

/** Splits pasted text ("a@x.com, b@y.com; c@z.com") into addresses. */
function splitEmails(values: string[]): string[] {
  const out: string[] = [];
  for (const v of values)
    for (const part of v.split(/[\s,;]+/)) {
      const e = part.trim();
      if (e && !out.includes(e.toLowerCase())) out.push(e.toLowerCase());
    }
  return out;
}

/** What happened to one address: added, invited, updated, already a member, invalid… */
type InviteResult = ResponseOf<'/v1/workspaces/{workspaceId}/invitations', 'post'>['results'][number];

/**
 * Invite one or many people (docs/rules.md §4): to the workspace or to chosen agents,
 * with a role and a preset or custom permissions. Existing accounts are added
 * at once; new addresses get an emailed link. Shows the per-address result.
 */
export function InviteDialog({
  opened,
  onClose,
  ctx,
}: {
  opened: boolean;
  onClose: () => void;
  ctx: WorkspaceContext;
}) {
  const { workspace, can } = ctx;
  const isAdmin = can('workspace.manage');
  const agents = useAgents(workspace.id);
  const presets = usePresets(workspace.id);
  const manageableAgents = (agents.data ?? []).filter((a) => isAdmin || a.can?.['agent.manage']);
  const [emails, setEmails] = useState<string[]>([]);
  // What is typed but not yet turned into a pill counts too: "a@x.com, b@y.com" then Send.
  const [typing, setTyping] = useState('');
  const pending = splitEmails([...emails, typing]);
  const [target, setTarget] = useState<'workspace' | 'agents'>(isAdmin ? 'workspace' : 'agents');
  const [agentIds, setAgentIds] = useState<string[]>([]);
  const [role, setRole] = useState<WorkspaceRole>('member');
  const [agentRole, setAgentRole] = useState<AgentRole>('agent_user');
  const [grant, setGrant] = useState<string>('preset:read_only_reviewer');
  const [matrix, setMatrix] = useState<Matrix>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<InviteResult[] | null>(null);

  function reset() {
    setEmails([]);
    setTyping('');
    setAgentIds([]);
    setError(null);
    setResults(null);
    setMatrix({});
  }

  function close() {
    reset();
    onClose();
  }

  const grantBody =
    grant === 'custom'
      ? { matrix: toMatrixInput(matrix) }
      : grant === 'none'
        ? {}
        : { presetId: grant.replace(/^preset:/, '') };

  async function submit() {
    const list = pending;
    setBusy(true);
    setError(null);
    try {
      const body: RequestBodyOf<'/v1/workspaces/{workspaceId}/invitations', 'post'> =
        target === 'workspace'
          ? { emails: list, role, ...(role === 'admin' ? {} : grantBody) }
          : {
              emails: list,
              role: 'member',
              agents: agentIds.map((agentId) => ({
                agentId,
                role: agentRole,
                ...(agentRole === 'agent_admin' ? {} : grantBody),
              })),
            };
      const { results: rs } = await api.POST('/v1/workspaces/{workspaceId}/invitations', {
        params: { path: { workspaceId: workspace.id } },
        body,
      });
      setResults(rs);
      await invalidateWorkspace(workspace.id);
      const ok = rs.filter((r) => !r.error).length;
      notifications.show({
        color: ok === rs.length ? 'green' : 'orange',
        title: ok === 1 ? 'Invitation sent' : `${ok} of ${rs.length} invitations sent`,
        message: 'New addresses get an email with a link; existing accounts are added at once.',
      });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const valid = pending.length > 0 && (target === 'workspace' || agentIds.length > 0);

  return (
    <Modal opened={opened} onClose={close} title="Invite people" size="xl">
      {results ? (
        <Stack>
          <Text fw={600}>Results</Text>
          <List spacing={4}>
            {results.map((r) => (
              <List.Item key={r.email}>
                <b>{r.email}</b> — {r.status.replace(/_/g, ' ')}
                {r.error ? `: ${r.error}` : ''}
              </List.Item>
            ))}
          </List>
          <Group justify="flex-end">
            <Button variant="default" onClick={reset}>
              Invite more
            </Button>
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <Stack>
          <TagsInput
            label="Email addresses"
            description="Type or paste one or many addresses; press Enter or comma between them."
            placeholder={emails.length ? undefined : 'alex@example.com'}
            value={emails}
            searchValue={typing}
            onSearchChange={setTyping}
            onChange={(v) => setEmails(splitEmails(v))}
            splitChars={[',', ' ', ';']}
            clearable
            data-autofocus
            error={fieldError(error, 'emails')}
          />
          <div>
            <Text fz="sm" fw={500} mb={4} id="invite-target-label">
              Invite to
            </Text>
            <SegmentedControl
              aria-labelledby="invite-target-label"
              value={target}
              onChange={(v) => setTarget(v as 'workspace' | 'agents')}
              data={[
                { value: 'workspace', label: 'The whole workspace', disabled: !isAdmin },
                { value: 'agents', label: 'Specific agents' },
              ]}
            />
          </div>
          {target === 'workspace' ? (
            <Select
              label="Workspace role"
              value={role}
              onChange={(v) => setRole(v ?? 'member')}
              allowDeselect={false}
              data={[
                { value: 'member', label: 'Member — access set by the permissions below' },
                { value: 'admin', label: 'Admin — full access, manages users and billing' },
              ]}
            />
          ) : (
            <Group grow align="flex-start">
              <MultiSelect
                label="Agents"
                placeholder={manageableAgents.length ? 'Choose agents' : 'No agents you can invite to'}
                data={manageableAgents.map((a) => ({ value: a.id, label: a.name }))}
                value={agentIds}
                onChange={setAgentIds}
                searchable
                error={fieldError(error, 'agents')}
              />
              <Select
                label="Agent role"
                value={agentRole}
                onChange={(v) => setAgentRole(v ?? 'agent_user')}
                allowDeselect={false}
                data={[
                  { value: 'agent_user', label: 'Agent user' },
                  { value: 'agent_admin', label: 'Agent admin (edit on everything of the agent)' },
                ]}
              />
            </Group>
          )}
          {((target === 'workspace' && role !== 'admin') ||
            (target === 'agents' && agentRole !== 'agent_admin')) && (
            <>
              <Select
                label="Permissions"
                description="A preset stays linked: editing a custom preset updates everyone who uses it."
                value={grant}
                onChange={(v) => setGrant(v ?? 'none')}
                allowDeselect={false}
                data={[
                  ...presetOptions(presets.data ?? []),
                  {
                    group: 'Other',
                    items: [
                      { value: 'custom', label: 'Custom permissions…' },
                      { value: 'none', label: 'No permissions yet' },
                    ],
                  },
                ]}
              />
              {grant === 'custom' && (
                <PermissionMatrix value={matrix} onChange={setMatrix} label="Permissions for the invitees" />
              )}
            </>
          )}
          {target === 'workspace' && role === 'admin' && (
            <Alert color="atrium" variant="light">
              Admins have Edit on everything and manage members, billing and the activity log.
            </Alert>
          )}
          <ErrorAlert error={error} title="Could not invite" />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button onClick={submit} loading={busy} disabled={!valid}>
              Send {pending.length > 1 ? `${pending.length} invitations` : 'invitation'}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
