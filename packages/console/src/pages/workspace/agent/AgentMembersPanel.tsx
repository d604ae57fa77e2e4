import { toMatrixInput } from '@atrium/policy';
import { ActionIcon, Button, Group, Paper, Select, Table, Text, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAdjustments, IconTrash, IconUserPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { api, errorMessage } from '../../../api/client';
import { invalidateWorkspace, useAgentMembers, useMembers, usePresets } from '../../../api/hooks';
import { useMe } from '../../../api/session';
import type { Agent, AgentMember, AgentRole } from '../../../api/types';
import { QueryPanel } from '../../../components/QueryPanel';
import { presetMatrix, presetOptions } from '../presetOptions';
import { CustomMatrixDialog } from './CustomMatrixDialog';

/** The users of one agent, their agent role and permissions (agent admins and workspace admins; docs/rules.md §2). */
export function AgentMembersPanel({ workspaceId, agent }: { workspaceId: string; agent: Agent }) {
  const me = useMe();
  const members = useAgentMembers(workspaceId, agent.id);
  const wsMembers = useMembers(workspaceId);
  const presets = usePresets(workspaceId);
  const [adding, setAdding] = useState<string | null>(null);
  const [addRole, setAddRole] = useState<AgentRole>('agent_user');
  const [addGrant, setAddGrant] = useState<string | null>('preset:read_only_reviewer');
  const [customFor, setCustomFor] = useState<AgentMember | null>(null);
  const MEMBERS = '/v1/workspaces/{workspaceId}/agents/{agentId}/members' as const;
  const MEMBER = '/v1/workspaces/{workspaceId}/agents/{agentId}/members/{userId}' as const;
  const memberParams = (userId: string) => ({ path: { workspaceId, agentId: agent.id, userId } });

  async function run(fn: () => Promise<unknown>, done: string) {
    try {
      await fn();
      notifications.show({ color: 'green', title: done, message: 'In effect now.' });
      await invalidateWorkspace(workspaceId);
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not save', message: errorMessage(err) });
      throw err;
    }
  }

  const list = members.data ?? [];
  const candidates = (wsMembers.data ?? []).filter((m) => !list.some((am) => am.userId === m.userId));
  return (
    <Paper withBorder p="md">
      <Title order={2} fz="lg" mb="sm">
        Users of this agent
      </Title>
      <QueryPanel query={members}>
        <Table verticalSpacing="xs" aria-label="Users of this agent">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>User</Table.Th>
              <Table.Th>Agent role</Table.Th>
              <Table.Th>Permissions on this agent</Table.Th>
              <Table.Th w={50} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((m) => {
              const self = m.userId === me.data?.id;
              return (
                <Table.Tr key={m.userId}>
                  <Table.Td>
                    <Text fz="sm" fw={600}>
                      {m.name}
                    </Text>
                    <Text fz="xs" c="dimmed">
                      {m.email}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={`Agent role of ${m.name}`}
                      size="xs"
                      w={150}
                      value={m.role}
                      disabled={self}
                      allowDeselect={false}
                      data={[
                        { value: 'agent_user', label: 'Agent user' },
                        { value: 'agent_admin', label: 'Agent admin' },
                      ]}
                      onChange={(v) =>
                        v &&
                        run(
                          () => api.PATCH(MEMBER, { params: memberParams(m.userId), body: { role: v } }),
                          'Agent role changed',
                        )
                      }
                    />
                  </Table.Td>
                  <Table.Td>
                    {m.role === 'agent_admin' ? (
                      <Text fz="sm" c="dimmed">
                        Edit on everything of this agent
                      </Text>
                    ) : (
                      <Group gap="xs" wrap="nowrap">
                        <Select
                          aria-label={`Preset of ${m.name} on this agent`}
                          size="xs"
                          w={210}
                          placeholder={m.matrix ? 'Custom' : 'No permissions'}
                          value={m.presetId ? `preset:${m.presetId}` : null}
                          disabled={self}
                          data={presetOptions(presets.data ?? [])}
                          onChange={(v) =>
                            v &&
                            run(
                              () =>
                                api.PATCH(MEMBER, {
                                  params: memberParams(m.userId),
                                  body: { presetId: v.replace(/^preset:/, '') },
                                }),
                              'Permissions changed',
                            )
                          }
                        />
                        <Tooltip label="Custom permissions">
                          <ActionIcon
                            variant="subtle"
                            aria-label={`Custom permissions of ${m.name}`}
                            disabled={self}
                            onClick={() =>
                              setCustomFor({
                                ...m,
                                matrix: m.presetId ? presetMatrix(presets.data, m.presetId) : m.matrix,
                              })
                            }
                          >
                            <IconAdjustments size={16} />
                          </ActionIcon>
                        </Tooltip>
                      </Group>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Tooltip label="Remove from this agent">
                      <ActionIcon
                        color="red"
                        variant="subtle"
                        aria-label={`Remove ${m.name} from this agent`}
                        disabled={self}
                        onClick={() =>
                          run(
                            () => api.DELETE(MEMBER, { params: memberParams(m.userId) }),
                            `${m.name} removed from the agent`,
                          )
                        }
                      >
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Tooltip>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </QueryPanel>
      <Group mt="md" align="flex-end">
        <Select
          label="Add a workspace member"
          placeholder="Choose a member"
          searchable
          value={adding}
          onChange={setAdding}
          data={candidates.map((m) => ({ value: m.userId, label: `${m.name} (${m.email})` }))}
          w={280}
        />
        <Select
          label="Role"
          value={addRole}
          onChange={(v) => setAddRole(v ?? 'agent_user')}
          allowDeselect={false}
          data={[
            { value: 'agent_user', label: 'Agent user' },
            { value: 'agent_admin', label: 'Agent admin' },
          ]}
          w={150}
        />
        {addRole === 'agent_user' && (
          <Select
            label="Preset"
            value={addGrant}
            onChange={setAddGrant}
            data={presetOptions(presets.data ?? [])}
            w={220}
          />
        )}
        <Button
          leftSection={<IconUserPlus size={16} />}
          disabled={!adding}
          onClick={() =>
            adding &&
            run(
              () =>
                api.POST(MEMBERS, {
                  params: { path: { workspaceId, agentId: agent.id } },
                  body: {
                    userId: adding,
                    role: addRole,
                    ...(addRole === 'agent_user' && addGrant
                      ? { presetId: addGrant.replace(/^preset:/, '') }
                      : {}),
                  },
                }),
              'Added to the agent',
            ).then(
              () => setAdding(null),
              () => undefined,
            )
          }
        >
          Add
        </Button>
      </Group>
      <Text fz="xs" c="dimmed" mt="xs">
        To add someone who is not in the workspace yet, invite them to this agent from the Users tab.
      </Text>
      {customFor && (
        <CustomMatrixDialog
          member={customFor}
          onClose={() => setCustomFor(null)}
          onSave={(matrix) =>
            run(
              () =>
                api.PATCH(MEMBER, {
                  params: memberParams(customFor.userId),
                  body: { matrix: toMatrixInput(matrix) },
                }),
              'Permissions changed',
            )
          }
        />
      )}
    </Paper>
  );
}
