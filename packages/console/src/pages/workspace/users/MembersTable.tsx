import type { Matrix } from '@atrium/policy';
import { Avatar, Badge, Checkbox, Group, Table, Text, Tooltip } from '@mantine/core';
import { useNavigate } from 'react-router';
import { usePresets } from '../../../api/hooks';
import type { Member } from '../../../api/types';
import { AccessSummary } from '../../../components/AccessSummary';
import { RoleBadge } from '../../../components/badges';
import { dateTime, relativeTime } from '../../../components/format';
import { initials } from '../../../layout/Shell';
import { presetMatrix, presetName } from '../presetOptions';

/** The members table of the Users tab; a row opens the member, checkboxes select for bulk editing. */
export function MembersTable({
  members,
  workspaceId,
  selected,
  onSelect,
}: {
  members: Member[];
  workspaceId: string;
  /** Selected user ids, when bulk editing is possible (admins). */
  selected: Set<string> | null;
  onSelect: (next: Set<string>) => void;
}) {
  const navigate = useNavigate();
  const presets = usePresets(workspaceId);
  // Only members whose permissions the caller may edit can be bulk edited (never oneself, never admins).
  const selectable = members.filter((m) => m.can?.edit === true && m.role !== 'admin');
  const allSelected =
    selected !== null && selectable.length > 0 && selectable.every((m) => selected.has(m.userId));
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected ?? []);
    if (on) next.add(id);
    else next.delete(id);
    onSelect(next);
  };
  return (
    <Table highlightOnHover verticalSpacing="sm" aria-label="Members">
      <Table.Thead>
        <Table.Tr>
          {selected !== null && (
            <Table.Th w={40}>
              <Checkbox
                aria-label="Select every member"
                checked={allSelected}
                indeterminate={!allSelected && selected.size > 0}
                disabled={selectable.length === 0}
                onChange={(e) =>
                  onSelect(new Set(e.currentTarget.checked ? selectable.map((m) => m.userId) : []))
                }
              />
            </Table.Th>
          )}
          <Table.Th>Name</Table.Th>
          <Table.Th>Role</Table.Th>
          <Table.Th>Permissions</Table.Th>
          <Table.Th>Agents</Table.Th>
          <Table.Th>Last active</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {members.map((m) => {
          const matrix: Matrix = (m.presetId ? presetMatrix(presets.data, m.presetId) : m.matrix) ?? {};
          const agents = m.agents ?? [];
          const open = () => navigate(`/w/${workspaceId}/users/${m.userId}`);
          return (
            <Table.Tr
              key={m.userId}
              className="atrium-table-row-clickable"
              onClick={open}
              data-member={m.email}
            >
              {selected !== null && (
                <Table.Td onClick={(e) => e.stopPropagation()}>
                  <Checkbox
                    aria-label={`Select ${m.name || m.email}`}
                    checked={selected.has(m.userId)}
                    disabled={!selectable.includes(m)}
                    onChange={(e) => toggle(m.userId, e.currentTarget.checked)}
                  />
                </Table.Td>
              )}
              <Table.Td>
                <Group gap="sm" wrap="nowrap">
                  <Avatar radius="xl" size={34} color="atrium">
                    {initials(m.name, m.email)}
                  </Avatar>
                  <div style={{ minWidth: 0 }}>
                    {/* A real link, so keyboard and screen-reader users reach the member too. */}
                    <Text
                      component="a"
                      href={`/w/${workspaceId}/users/${m.userId}`}
                      onClick={(e) => {
                        e.preventDefault();
                        open();
                      }}
                      fw={600}
                      fz="sm"
                      c="dark.8"
                      style={{ textDecoration: 'none' }}
                    >
                      {m.name || m.email}
                    </Text>
                    <Text fz="xs" c="dimmed" truncate>
                      {m.email}
                    </Text>
                  </div>
                </Group>
              </Table.Td>
              <Table.Td>
                <RoleBadge role={m.role} />
              </Table.Td>
              <Table.Td>
                {m.role === 'admin' ? (
                  <Text fz="sm" c="dimmed">
                    Everything (admin)
                  </Text>
                ) : (
                  <Group gap="xs" wrap="nowrap">
                    <AccessSummary matrix={matrix} />
                    <Text fz="xs" c="dimmed" truncate maw={150}>
                      {m.presetId ? presetName(presets.data, m.presetId) : m.matrix ? 'Custom' : 'No access'}
                    </Text>
                  </Group>
                )}
              </Table.Td>
              <Table.Td>
                {m.role === 'admin' || m.agentAccess === 'all' ? (
                  <Text fz="sm">All agents</Text>
                ) : agents.length === 0 ? (
                  <Text fz="sm" c="dimmed">
                    None
                  </Text>
                ) : (
                  <Group gap={4}>
                    {agents.slice(0, 2).map((a) => (
                      <Badge key={a.agentId} variant="light" color="gray" tt="none">
                        {a.name}
                        {a.role === 'agent_admin' ? ' · admin' : ''}
                      </Badge>
                    ))}
                    {agents.length > 2 && (
                      <Tooltip
                        label={agents
                          .slice(2)
                          .map((a) => a.name)
                          .join(', ')}
                      >
                        <Badge variant="outline" color="gray">
                          +{agents.length - 2}
                        </Badge>
                      </Tooltip>
                    )}
                  </Group>
                )}
              </Table.Td>
              <Table.Td>
                <Tooltip label={dateTime(m.lastActivityAt)} disabled={!m.lastActivityAt}>
                  <Text fz="sm" c={m.lastActivityAt ? undefined : 'dimmed'}>
                    {relativeTime(m.lastActivityAt)}
                  </Text>
                </Tooltip>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
