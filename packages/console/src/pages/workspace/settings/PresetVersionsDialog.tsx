import { CATALOG_LABELS, isPermission } from '@atrium/policy';
import { Group, Modal, Select, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../../api/client';
import { usePresetVersions } from '../../../api/hooks';
import type { PresetView } from '../../../api/types';
import { LevelBadge } from '../../../components/badges';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { dateTime } from '../../../components/format';
import { QueryPanel } from '../../../components/QueryPanel';

/** A custom preset's versions, two of them compared item by item. */
export function PresetVersionsDialog({
  workspaceId,
  preset,
  onClose,
}: {
  workspaceId: string;
  preset: PresetView;
  onClose: () => void;
}) {
  const versions = usePresetVersions(workspaceId, preset.id);
  const list = versions.data ?? [];
  const latest = preset.version;
  const [from, setFrom] = useState<string | null>(latest > 1 ? String(latest - 1) : null);
  const [to, setTo] = useState<string | null>(String(latest));
  const compare = useQuery({
    queryKey: ['ws', workspaceId, 'preset', preset.id, 'compare', from, to],
    queryFn: () =>
      api.GET('/v1/workspaces/{workspaceId}/presets/{id}/compare', {
        params: { path: { workspaceId, id: preset.id }, query: { from: Number(from), to: Number(to) } },
      }),
    enabled: from !== null && to !== null && from !== to,
  });
  const options = list.map((v) => ({
    value: String(v.version),
    label: `Version ${v.version} · ${dateTime(v.createdAt)}`,
  }));
  return (
    <Modal opened onClose={onClose} title={`Versions of ${preset.name}`} size="lg">
      <Stack>
        <QueryPanel query={versions} retry={false}>
          <Group grow>
            <Select label="Compare" value={from} onChange={setFrom} data={options} />
            <Select label="With" value={to} onChange={setTo} data={options} />
          </Group>
        </QueryPanel>
        {from === to && (
          <Text fz="sm" c="dimmed">
            Choose two different versions.
          </Text>
        )}
        {compare.error && <ErrorAlert error={compare.error} />}
        {compare.data && (
          <>
            {compare.data.name.before !== compare.data.name.after && (
              <Text fz="sm">
                Renamed from <b>{compare.data.name.before}</b> to <b>{compare.data.name.after}</b>.
              </Text>
            )}
            {compare.data.changes.length === 0 ? (
              <Text fz="sm" c="dimmed">
                Same permissions in both versions.
              </Text>
            ) : (
              <Table aria-label="Differences between the versions">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Item</Table.Th>
                    <Table.Th>Version {from}</Table.Th>
                    <Table.Th>Version {to}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {compare.data.changes.map((c) => (
                    <Table.Tr key={c.permission}>
                      <Table.Td>
                        <Text fz="sm">
                          {isPermission(c.permission)
                            ? CATALOG_LABELS.items[c.permission].label
                            : c.permission}
                        </Text>
                        <Text fz="xs" c="dimmed">
                          {c.permission}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <LevelBadge level={c.before} />
                      </Table.Td>
                      <Table.Td>
                        <LevelBadge level={c.after} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </>
        )}
      </Stack>
    </Modal>
  );
}
