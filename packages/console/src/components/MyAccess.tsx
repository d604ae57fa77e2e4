import { AREAS, areaLevel, CATALOG_LABELS, type Matrix, permissionsOf } from '@atrium/policy';
import { Badge, Group, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconEye, IconEyeOff, IconPencil } from '@tabler/icons-react';
import { useEffective } from '../api/hooks';
import { ErrorAlert } from './ErrorAlert';

/**
 * "Your access": what the signed-in member can see and do, as their console
 * shows it (docs/rules.md §2): an area at None is hidden, an item at Read is read-only,
 * an item at Edit is editable. Read from GET …/members/:me/effective, the
 * same decision the agent platform gets from /v1/check.
 */
export function MyAccess({
  workspaceId,
  userId,
  agentId = null,
  title = 'Your access',
}: {
  workspaceId: string;
  userId: string;
  agentId?: string | null;
  title?: string;
}) {
  const effective = useEffective(workspaceId, userId, agentId);
  if (effective.isPending) return <Skeleton h={160} />;
  if (effective.error) return <ErrorAlert error={effective.error} onRetry={() => effective.refetch()} />;
  const matrix: Matrix = Object.fromEntries(effective.data.items.map((e) => [e.permission, e.level]));
  const visible = AREAS.filter((a) => permissionsOf(a).some((p) => (matrix[p] ?? 'none') !== 'none'));
  const hidden = AREAS.filter((a) => !visible.includes(a));
  return (
    <Paper withBorder p="md" data-testid="my-access">
      <Group justify="space-between" mb="sm">
        <Title order={2} fz="lg">
          {title}
        </Title>
        {hidden.length > 0 && (
          <Group gap={4}>
            <IconEyeOff size={14} color="var(--mantine-color-gray-6)" aria-hidden="true" />
            <Text fz="xs" c="dimmed">
              Hidden (no access): {hidden.map((a) => CATALOG_LABELS.areas[a].label).join(', ')}
            </Text>
          </Group>
        )}
      </Group>
      {visible.length === 0 ? (
        <Text c="dimmed" fz="sm">
          You have no permissions here yet. An admin can grant them on the Users tab.
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 3, lg: 5 }} spacing="sm">
          {visible.map((area) => {
            const level = areaLevel(matrix, area);
            return (
              <Paper key={area} withBorder p="sm" bg="gray.0" data-my-area={area} data-level={level}>
                <Group justify="space-between" mb={6} wrap="nowrap" gap={6}>
                  <Text fw={700} truncate>
                    {CATALOG_LABELS.areas[area].label}
                  </Text>
                  <Badge
                    size="sm"
                    style={{ flexShrink: 0 }}
                    variant="light"
                    color={level === 'edit' ? 'teal' : level === 'read' ? 'blue' : 'orange'}
                  >
                    {level === 'edit' ? 'Can edit' : level === 'read' ? 'Read only' : 'Mixed'}
                  </Badge>
                </Group>
                <Stack gap={3}>
                  {permissionsOf(area)
                    .filter((p) => (matrix[p] ?? 'none') !== 'none')
                    .map((p) => (
                      <Group key={p} gap={6} wrap="nowrap" data-my-item={p} data-level={matrix[p]}>
                        {matrix[p] === 'edit' ? (
                          <IconPencil size={14} color="var(--mantine-color-teal-7)" aria-hidden="true" />
                        ) : (
                          <IconEye size={14} color="var(--mantine-color-blue-7)" aria-hidden="true" />
                        )}
                        <Text fz="sm">{CATALOG_LABELS.items[p].label}</Text>
                        <Text fz="xs" c="dimmed">
                          {matrix[p] === 'edit' ? 'edit' : 'read only'}
                        </Text>
                      </Group>
                    ))}
                </Stack>
              </Paper>
            );
          })}
        </SimpleGrid>
      )}
    </Paper>
  );
}
