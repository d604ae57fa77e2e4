import { Affix, Button, Group, Paper, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAdjustments, IconDownload, IconSearch, IconUserPlus, IconUsers } from '@tabler/icons-react';
import { useState } from 'react';
import { apiUrl } from '../../api/client';
import { useAgents, useMembers } from '../../api/hooks';
import type { WorkspaceRole } from '../../api/types';
import { QueryPanel } from '../../components/QueryPanel';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { BulkEditDialog } from './BulkEditDialog';
import { InviteDialog } from './InviteDialog';
import { MembersTable } from './users/MembersTable';
import { PendingInvitations } from './users/PendingInvitations';
import { useWorkspaceContext } from './WorkspaceLayout';

/**
 * The Users tab (seed 000; docs/rules.md §4): the members with their role, access,
 * agents and last activity; search and role filter; inviting; pending
 * invitations; CSV export. Opening a member leads to their permission editor.
 */
export function UsersTab() {
  const ctx = useWorkspaceContext();
  const { workspace, can } = ctx;
  useDocumentTitle('Users', workspace.name);
  const [q, setQ] = useState('');
  const [role, setRole] = useState<WorkspaceRole | null>(null);
  const [debounced] = useDebouncedValue(q.trim(), 250);
  const members = useMembers(workspace.id, { q: debounced || undefined, role: role ?? undefined });
  const [inviting, setInviting] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulk, setBulk] = useState(false);
  const isAdmin = can('workspace.manage');
  // Admins invite to the workspace; an agent's admins invite to their own agents only (docs/rules.md §2, §4).
  const agents = useAgents(workspace.id);
  const mayInvite = isAdmin || (agents.data ?? []).some((a) => a.can?.['agent.manage'] === true);
  const list = members.data ?? [];
  const filtering = debounced !== '' || role !== null;
  const selectedMembers = list.filter((m) => selected.has(m.userId));

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="nowrap">
        <Group gap="sm" wrap="nowrap">
          <TextInput
            placeholder="Search by name or email"
            aria-label="Search members by name or email"
            leftSection={<IconSearch size={16} aria-hidden="true" />}
            value={q}
            onChange={(e) => setQ(e.currentTarget.value)}
            w={300}
          />
          <Select
            aria-label="Filter by role"
            placeholder="All roles"
            clearable
            value={role}
            onChange={setRole}
            data={[
              { value: 'admin', label: 'Admins' },
              { value: 'member', label: 'Members' },
            ]}
            w={150}
          />
        </Group>
        <Group gap="sm" wrap="nowrap">
          {isAdmin && (
            <Button
              component="a"
              href={apiUrl('/v1/workspaces/{workspaceId}/members/export.csv', {
                path: { workspaceId: workspace.id },
              })}
              download
              variant="default"
              leftSection={<IconDownload size={16} />}
            >
              Export CSV
            </Button>
          )}
          {mayInvite && (
            <Button leftSection={<IconUserPlus size={16} />} onClick={() => setInviting(true)}>
              Invite people
            </Button>
          )}
        </Group>
      </Group>

      <Paper withBorder>
        <QueryPanel
          query={members}
          padded
          skeleton={{ h: 36, rows: 3, gap: 'sm' }}
          isEmpty={list.length === 0}
          empty={{
            icon: <IconUsers size={26} />,
            title: filtering ? 'No member matches' : 'No members yet',
            description: filtering
              ? 'Try another search or role.'
              : 'Invite colleagues to work on your agents.',
          }}
        >
          <MembersTable
            members={list}
            workspaceId={workspace.id}
            selected={isAdmin ? selected : null}
            onSelect={setSelected}
          />
        </QueryPanel>
      </Paper>

      {isAdmin && selectedMembers.length > 0 && (
        <Affix position={{ bottom: 24, left: '50%' }} style={{ transform: 'translateX(-50%)' }}>
          <Paper shadow="lg" withBorder px="md" py="sm" radius="xl">
            <Group gap="md">
              <Text fz="sm" fw={600}>
                {selectedMembers.length} selected
              </Text>
              <Button size="xs" leftSection={<IconAdjustments size={14} />} onClick={() => setBulk(true)}>
                Edit permissions
              </Button>
              <Button size="xs" variant="subtle" color="gray" onClick={() => setSelected(new Set())}>
                Clear
              </Button>
            </Group>
          </Paper>
        </Affix>
      )}
      {bulk && (
        <BulkEditDialog
          members={selectedMembers}
          workspaceId={workspace.id}
          onClose={(done) => {
            setBulk(false);
            if (done) setSelected(new Set());
          }}
        />
      )}
      {isAdmin && <PendingInvitations workspaceId={workspace.id} />}
      {mayInvite && <InviteDialog opened={inviting} onClose={() => setInviting(false)} ctx={ctx} />}
    </Stack>
  );
}
