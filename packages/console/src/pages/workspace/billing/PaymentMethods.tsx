import { ActionIcon, Badge, Button, Group, Paper, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconCreditCard, IconPlus, IconStar, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { api } from '../../../api/client';
import { QueryPanel } from '../../../components/QueryPanel';
import { AddCardDialog } from './AddCardDialog';
import { act, usePaymentMethods } from './billingQueries';

/** The saved cards: add one, make one the default, remove one. */
export function PaymentMethods({ workspaceId }: { workspaceId: string }) {
  const methods = usePaymentMethods(workspaceId);
  const [adding, setAdding] = useState(false);
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="sm">
        <Title order={2} fz="lg">
          Payment methods
        </Title>
        <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setAdding(true)}>
          Add card
        </Button>
      </Group>
      <QueryPanel
        query={methods}
        isEmpty={(methods.data ?? []).length === 0}
        empty="No payment method yet. Paid agents need one before they can be approved."
      >
        <Stack gap="xs">
          {(methods.data ?? []).map((m) => (
            <Group
              key={m.id}
              justify="space-between"
              p="xs"
              style={{ border: '1px solid var(--mantine-color-gray-2)', borderRadius: 8 }}
            >
              <Group gap="sm">
                <IconCreditCard size={22} color="var(--mantine-color-atrium-6)" aria-hidden="true" />
                <div>
                  <Text fz="sm" fw={600} tt="capitalize">
                    {m.brand} •••• {m.last4}
                  </Text>
                  <Text fz="xs" c="dimmed">
                    {m.holderName ? `${m.holderName} · ` : ''}expires {String(m.expMonth).padStart(2, '0')}/
                    {m.expYear}
                  </Text>
                </div>
                {m.isDefault && <Badge size="sm">Default</Badge>}
              </Group>
              <Group gap={4}>
                {!m.isDefault && (
                  <Tooltip label="Make default">
                    <ActionIcon
                      variant="subtle"
                      aria-label={`Make ${m.brand} ending ${m.last4} the default`}
                      onClick={() =>
                        act(
                          workspaceId,
                          () =>
                            api.POST('/v1/workspaces/{workspaceId}/payment-methods/{id}/default', {
                              params: { path: { workspaceId, id: m.id } },
                            }),
                          'Default payment method changed',
                        )
                      }
                    >
                      <IconStar size={16} />
                    </ActionIcon>
                  </Tooltip>
                )}
                <Tooltip label="Remove">
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={`Remove ${m.brand} ending ${m.last4}`}
                    onClick={() =>
                      act(
                        workspaceId,
                        () =>
                          api.DELETE('/v1/workspaces/{workspaceId}/payment-methods/{id}', {
                            params: { path: { workspaceId, id: m.id } },
                          }),
                        'Payment method removed',
                      )
                    }
                  >
                    <IconTrash size={16} />
                  </ActionIcon>
                </Tooltip>
              </Group>
            </Group>
          ))}
        </Stack>
      </QueryPanel>
      <AddCardDialog opened={adding} onClose={() => setAdding(false)} workspaceId={workspaceId} />
    </Paper>
  );
}
