import { Badge, Paper, Select, Switch, Table, Text, Title } from '@mantine/core';
import { api } from '../../../api/client';
import { QueryPanel } from '../../../components/QueryPanel';
import { act, money, usePaymentMethods, useSubscriptions } from './billingQueries';

/** One row per paid agent: plan, price, whether overages are allowed, and the card it is paid with. */
export function Subscriptions({ workspaceId }: { workspaceId: string }) {
  const subs = useSubscriptions(workspaceId);
  const methods = usePaymentMethods(workspaceId);
  const list = subs.data ?? [];
  return (
    <Paper withBorder p="md">
      <Title order={2} fz="lg" mb="sm">
        Subscriptions
      </Title>
      <QueryPanel
        query={subs}
        isEmpty={list.length === 0}
        empty="No paid agents. Agents on the Starter plan are free."
      >
        <Table verticalSpacing="xs" aria-label="Subscriptions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Agent</Table.Th>
              <Table.Th>Plan</Table.Th>
              <Table.Th>Price</Table.Th>
              <Table.Th>Overages</Table.Th>
              <Table.Th>Paid with</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((s) => (
              <Table.Tr key={s.agentId}>
                <Table.Td>
                  <Text fz="sm" fw={600}>
                    {s.agentName}
                  </Text>
                  {s.status !== 'active' && (
                    <Badge
                      size="xs"
                      color={s.status === 'pending_approval' ? 'yellow' : 'red'}
                      variant="light"
                    >
                      {s.status === 'pending_approval' ? 'Pending approval' : 'Rejected'}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text fz="sm" tt="capitalize">
                    {s.plan}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text fz="sm">{money(s.priceCents)}/mo</Text>
                  <Text fz="xs" c="dimmed">
                    {s.includedConversations.toLocaleString('en')} conversations
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Switch
                    aria-label={`Allow overages for ${s.agentName}`}
                    checked={s.overage === 'allow'}
                    label={s.overage === 'allow' ? `${money(s.overageUnitCents)} each` : 'Prevented'}
                    onChange={(e) =>
                      act(
                        workspaceId,
                        () =>
                          api.PATCH('/v1/workspaces/{workspaceId}/agents/{agentId}/subscription', {
                            params: { path: { workspaceId, agentId: s.agentId } },
                            body: { overage: e.currentTarget.checked ? 'allow' : 'prevent' },
                          }),
                        'Overages changed',
                      )
                    }
                  />
                </Table.Td>
                <Table.Td>
                  <Select
                    aria-label={`Payment method for ${s.agentName}`}
                    size="xs"
                    w={190}
                    value={s.paymentMethod?.source === 'agent' ? s.paymentMethod.id : ''}
                    allowDeselect={false}
                    error={s.needsPaymentMethod ? 'Needs a payment method' : undefined}
                    data={[
                      { value: '', label: 'Workspace default' },
                      ...(methods.data ?? []).map((m) => ({
                        value: m.id,
                        label: `${m.brand} •••• ${m.last4}`,
                      })),
                    ]}
                    onChange={(v) =>
                      act(
                        workspaceId,
                        () =>
                          api.PUT('/v1/workspaces/{workspaceId}/agents/{agentId}/payment-method', {
                            params: { path: { workspaceId, agentId: s.agentId } },
                            body: { paymentMethodId: v || null },
                          }),
                        'Payment method attached',
                      )
                    }
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </QueryPanel>
    </Paper>
  );
}
