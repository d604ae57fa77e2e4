import { AREAS } from '@atrium/policy';
import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconCopy, IconEye, IconHistory, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { api } from '../../../api/client';
import { invalidateWorkspace, usePresets } from '../../../api/hooks';
import type { PresetView } from '../../../api/types';
import { AccessSummary } from '../../../components/AccessSummary';
import { ConfirmTyped } from '../../../components/ConfirmTyped';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { PermissionMatrix } from '../../../components/PermissionMatrix';
import { PresetEditor } from './PresetEditor';
import { PresetVersionsDialog } from './PresetVersionsDialog';

/** Built-in presets (read-only, copyable) and custom presets (versioned; editing changes everyone linked). */
export function PresetsPanel({ workspaceId, editable }: { workspaceId: string; editable: boolean }) {
  const presets = usePresets(workspaceId);
  const [editing, setEditing] = useState<{ preset: PresetView | null; copyFrom: PresetView | null } | null>(
    null,
  );
  const [viewing, setViewing] = useState<PresetView | null>(null);
  const [versionsOf, setVersionsOf] = useState<PresetView | null>(null);
  const [deleting, setDeleting] = useState<PresetView | null>(null);
  if (presets.isPending) return <Skeleton h={200} />;
  if (presets.error) return <ErrorAlert error={presets.error} onRetry={() => presets.refetch()} />;
  const custom = presets.data.filter((p) => !p.builtin);
  const builtin = presets.data.filter((p) => p.builtin);

  const row = (p: PresetView) => (
    <Table.Tr key={p.id} data-preset={p.id}>
      <Table.Td>
        <Group gap="xs">
          <Text fz="sm" fw={600}>
            {p.name}
          </Text>
          {!p.builtin && (
            <Badge size="xs" variant="outline" color="gray">
              v{p.version ?? 1}
            </Badge>
          )}
        </Group>
        <Text fz="xs" c="dimmed" lineClamp={1}>
          {p.description}
        </Text>
      </Table.Td>
      <Table.Td>
        <AccessSummary matrix={p.matrix} />
      </Table.Td>
      <Table.Td>
        <Group gap={4} justify="flex-end" wrap="nowrap">
          <Tooltip label="View">
            <ActionIcon variant="subtle" aria-label={`View ${p.name}`} onClick={() => setViewing(p)}>
              <IconEye size={16} />
            </ActionIcon>
          </Tooltip>
          {editable && (
            <Tooltip label="Copy into a custom preset">
              <ActionIcon
                variant="subtle"
                aria-label={`Copy ${p.name}`}
                onClick={() => setEditing({ preset: null, copyFrom: p })}
              >
                <IconCopy size={16} />
              </ActionIcon>
            </Tooltip>
          )}
          {!p.builtin && (
            <Tooltip label="Versions">
              <ActionIcon
                variant="subtle"
                aria-label={`Versions of ${p.name}`}
                onClick={() => setVersionsOf(p)}
              >
                <IconHistory size={16} />
              </ActionIcon>
            </Tooltip>
          )}
          {editable && !p.builtin && (
            <>
              <Tooltip label="Edit">
                <ActionIcon
                  variant="subtle"
                  aria-label={`Edit ${p.name}`}
                  onClick={() => setEditing({ preset: p, copyFrom: null })}
                >
                  <IconPencil size={16} />
                </ActionIcon>
              </Tooltip>
              <Tooltip label="Delete">
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={`Delete ${p.name}`}
                  onClick={() => setDeleting(p)}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </Tooltip>
            </>
          )}
        </Group>
      </Table.Td>
    </Table.Tr>
  );

  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="xs">
        <div>
          <Title order={2} fz="lg">
            Presets
          </Title>
          <Text fz="sm" c="dimmed">
            Ready-made permission sets. Members linked to a custom preset change when it changes.
          </Text>
        </div>
        {editable && (
          <Button
            leftSection={<IconPlus size={16} />}
            onClick={() => setEditing({ preset: null, copyFrom: null })}
          >
            New preset
          </Button>
        )}
      </Group>
      <Table verticalSpacing={6} aria-label="Presets">
        <Table.Tbody>
          <Table.Tr>
            <Table.Td colSpan={3} bg="gray.0">
              <Text fz="xs" fw={700} tt="uppercase" c="dimmed">
                Custom ({custom.length})
              </Text>
            </Table.Td>
          </Table.Tr>
          {custom.length === 0 ? (
            <Table.Tr>
              <Table.Td colSpan={3}>
                <Text fz="sm" c="dimmed">
                  No custom presets yet. Copy a built-in one to start.
                </Text>
              </Table.Td>
            </Table.Tr>
          ) : (
            custom.map(row)
          )}
          <Table.Tr>
            <Table.Td colSpan={3} bg="gray.0">
              <Text fz="xs" fw={700} tt="uppercase" c="dimmed">
                Built-in (read-only)
              </Text>
            </Table.Td>
          </Table.Tr>
          {builtin.map(row)}
        </Table.Tbody>
      </Table>
      {editing && (
        <PresetEditor
          workspaceId={workspaceId}
          preset={editing.preset}
          copyFrom={editing.copyFrom}
          onClose={() => setEditing(null)}
        />
      )}
      {viewing && (
        <Modal opened onClose={() => setViewing(null)} title={viewing.name} size="xl">
          <Stack>
            <Text fz="sm" c="dimmed">
              {viewing.description}
            </Text>
            <PermissionMatrix
              value={viewing.matrix}
              label={`${viewing.name} permissions`}
              defaultExpanded={[...AREAS]}
            />
          </Stack>
        </Modal>
      )}
      {versionsOf && (
        <PresetVersionsDialog
          workspaceId={workspaceId}
          preset={versionsOf}
          onClose={() => setVersionsOf(null)}
        />
      )}
      <ConfirmTyped
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title="Delete this preset?"
        description="A preset still linked to members cannot be deleted; link them to another preset first."
        expected={deleting?.name ?? ''}
        action="Delete preset"
        onConfirm={async () => {
          if (!deleting) return;
          await api.DELETE('/v1/workspaces/{workspaceId}/presets/{id}', {
            params: { path: { workspaceId, id: deleting.id } },
          });
          await invalidateWorkspace(workspaceId);
        }}
      />
    </Paper>
  );
}
