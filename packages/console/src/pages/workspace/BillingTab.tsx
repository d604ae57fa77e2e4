import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  EmptyState,
  Group,
  Modal,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Switch,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import {
  IconCreditCard,
  IconDownload,
  IconFileInvoice,
  IconPlus,
  IconStar,
  IconTrash,
} from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { api, apiUrl, errorMessage, fieldError } from '../../api/client';
import { invalidateWorkspace } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { dateTime } from '../../components/format';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { NotFoundPage } from '../NotFound';
import { useWorkspaceContext } from './WorkspaceLayout';

/** Cents as money: 4900 → "$49.00". */
function money(cents: number, currency = 'USD'): string {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(cents / 100);
}

/** The billing queries share one key prefix per workspace, so any write refreshes them all. */
const billingKey = (workspaceId: string, what: string) => ['ws', workspaceId, 'billing', what];

function useBilling(workspaceId: string) {
  return useQuery({
    queryKey: billingKey(workspaceId, 'billing'),
    queryFn: () => api.GET('/v1/workspaces/{workspaceId}/billing', { params: { path: { workspaceId } } }),
  });
}

function usePaymentMethods(workspaceId: string) {
  return useQuery({
    queryKey: billingKey(workspaceId, 'payment-methods'),
    queryFn: async () =>
      (await api.GET('/v1/workspaces/{workspaceId}/payment-methods', { params: { path: { workspaceId } } }))
        .paymentMethods,
  });
}

function useSubscriptions(workspaceId: string) {
  return useQuery({
    queryKey: billingKey(workspaceId, 'subscriptions'),
    queryFn: async () =>
      (await api.GET('/v1/workspaces/{workspaceId}/subscriptions', { params: { path: { workspaceId } } }))
        .subscriptions,
  });
}

function useInvoices(workspaceId: string) {
  return useQuery({
    queryKey: billingKey(workspaceId, 'invoices'),
    queryFn: async () =>
      (await api.GET('/v1/workspaces/{workspaceId}/invoices', { params: { path: { workspaceId } } }))
        .invoices,
  });
}

function OrgDetails({ workspaceId }: { workspaceId: string }) {
  const billing = useBilling(workspaceId);
  const [orgName, setOrgName] = useState('');
  const [emails, setEmails] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (billing.data) {
      setOrgName(billing.data.orgName);
      setEmails(billing.data.invoiceEmails);
    }
  }, [billing.data]);
  if (billing.isPending) return <Skeleton h={180} />;
  if (billing.error) return <ErrorAlert error={billing.error} onRetry={() => billing.refetch()} />;
  const b = billing.data;
  async function save() {
    setBusy(true);
    setError(null);
    try {
      await api.PATCH('/v1/workspaces/{workspaceId}/billing', {
        params: { path: { workspaceId } },
        body: { orgName: orgName.trim(), invoiceEmails: emails },
      });
      notifications.show({
        color: 'green',
        title: 'Billing details saved',
        message: 'Invoices will use them from now on.',
      });
      await invalidateWorkspace(workspaceId);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const dirty = orgName.trim() !== b.orgName || emails.join(',') !== b.invoiceEmails.join(',');
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" align="flex-start" mb="sm">
        <Title order={2} fz="lg">
          Organization
        </Title>
        <div style={{ textAlign: 'right' }}>
          <Text fz="xs" c="dimmed" tt="uppercase" fw={700}>
            Monthly total
          </Text>
          <Text fw={700} fz="xl">
            {money(b.monthlyTotalCents, b.currency)}
          </Text>
        </div>
      </Group>
      <Stack gap="sm">
        <TextInput
          label="Organization name"
          value={orgName}
          onChange={(e) => setOrgName(e.currentTarget.value)}
          error={fieldError(error, 'orgName')}
        />
        <TagsInput
          label="Invoice emails"
          description="Invoices go to these addresses (up to 10)."
          value={emails}
          onChange={setEmails}
          splitChars={[',', ' ', ';']}
          error={fieldError(error, 'invoiceEmails')}
        />
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" disabled={!dirty} loading={busy} onClick={save}>
            Save details
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function AddCardDialog({
  opened,
  onClose,
  workspaceId,
}: {
  opened: boolean;
  onClose: () => void;
  workspaceId: string;
}) {
  const [number, setNumber] = useState('');
  const [expMonth, setExpMonth] = useState<number | string>(12);
  const [expYear, setExpYear] = useState<number | string>(new Date().getFullYear() + 2);
  const [cvc, setCvc] = useState('');
  const [holderName, setHolderName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    // The card number never outlives the dialog.
    setNumber('');
    setCvc('');
    setError(null);
    onClose();
  };
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.POST('/v1/workspaces/{workspaceId}/payment-methods', {
        params: { path: { workspaceId } },
        body: {
          number: number.replace(/\s+/g, ''),
          expMonth: Number(expMonth),
          expYear: Number(expYear),
          cvc,
          ...(holderName.trim() ? { holderName: holderName.trim() } : {}),
        },
      });
      notifications.show({
        color: 'green',
        title: 'Card added',
        message: 'Only its brand, last 4 digits and expiry are kept.',
      });
      await invalidateWorkspace(workspaceId);
      close();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal opened={opened} onClose={close} title="Add a card">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput
            label="Card number"
            autoComplete="cc-number"
            inputMode="numeric"
            value={number}
            onChange={(e) => setNumber(e.currentTarget.value)}
            error={fieldError(error, 'number')}
            data-autofocus
          />
          <Group grow>
            <NumberInput
              label="Expiry month"
              min={1}
              max={12}
              value={expMonth}
              onChange={setExpMonth}
              autoComplete="cc-exp-month"
            />
            <NumberInput
              label="Expiry year"
              min={2000}
              max={2100}
              value={expYear}
              onChange={setExpYear}
              autoComplete="cc-exp-year"
            />
            <TextInput
              label="CVC"
              autoComplete="cc-csc"
              inputMode="numeric"
              value={cvc}
              onChange={(e) => setCvc(e.currentTarget.value)}
            />
          </Group>
          <TextInput
            label="Name on card"
            autoComplete="cc-name"
            value={holderName}
            onChange={(e) => setHolderName(e.currentTarget.value)}
          />
          <Text fz="xs" c="dimmed">
            The number goes to the payment provider and is never stored by Atrium.
          </Text>
          <ErrorAlert error={error} title="Could not add the card" />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!number || !cvc}>
              Add card
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

async function act(workspaceId: string, fn: () => Promise<unknown>, done: string) {
  try {
    await fn();
    notifications.show({ color: 'green', title: done, message: '' });
    await invalidateWorkspace(workspaceId);
  } catch (err) {
    notifications.show({ color: 'red', title: 'Could not do that', message: errorMessage(err) });
  }
}

function PaymentMethods({ workspaceId }: { workspaceId: string }) {
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
      {methods.isPending ? (
        <Skeleton h={80} />
      ) : methods.error ? (
        <ErrorAlert error={methods.error} onRetry={() => methods.refetch()} />
      ) : (methods.data ?? []).length === 0 ? (
        <Text fz="sm" c="dimmed">
          No payment method yet. Paid agents need one before they can be approved.
        </Text>
      ) : (
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
      )}
      <AddCardDialog opened={adding} onClose={() => setAdding(false)} workspaceId={workspaceId} />
    </Paper>
  );
}

function Subscriptions({ workspaceId }: { workspaceId: string }) {
  const subs = useSubscriptions(workspaceId);
  const methods = usePaymentMethods(workspaceId);
  const list = subs.data ?? [];
  return (
    <Paper withBorder p="md">
      <Title order={2} fz="lg" mb="sm">
        Subscriptions
      </Title>
      {subs.isPending ? (
        <Skeleton h={80} />
      ) : subs.error ? (
        <ErrorAlert error={subs.error} onRetry={() => subs.refetch()} />
      ) : list.length === 0 ? (
        <Text fz="sm" c="dimmed">
          No paid agents. Agents on the Starter plan are free.
        </Text>
      ) : (
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
      )}
    </Paper>
  );
}

function Invoices({ workspaceId }: { workspaceId: string }) {
  const invoices = useInvoices(workspaceId);
  const list = invoices.data ?? [];
  return (
    <Paper withBorder p="md">
      <Title order={2} fz="lg" mb="sm">
        Invoices
      </Title>
      {invoices.isPending ? (
        <Skeleton h={80} />
      ) : invoices.error ? (
        <ErrorAlert error={invoices.error} onRetry={() => invoices.refetch()} />
      ) : list.length === 0 ? (
        <EmptyState
          icon={<IconFileInvoice size={22} />}
          title="No invoices yet"
          description="An invoice is issued when a month closes."
        />
      ) : (
        <Table verticalSpacing="xs" aria-label="Invoices">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Number</Table.Th>
              <Table.Th>Period</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th ta="right">Total</Table.Th>
              <Table.Th>Issued</Table.Th>
              <Table.Th w={50} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((i) => (
              <Table.Tr key={i.id}>
                <Table.Td>
                  <Text fz="sm" className="atrium-mono">
                    {i.number}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text fz="sm">{i.period}</Text>
                </Table.Td>
                <Table.Td>
                  <Badge
                    variant="light"
                    color={i.status === 'paid' ? 'green' : i.status === 'open' ? 'yellow' : 'gray'}
                  >
                    {i.status}
                  </Badge>
                </Table.Td>
                <Table.Td ta="right">
                  <Text fz="sm" fw={600}>
                    {money(i.totalCents, i.currency)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text fz="sm">{dateTime(i.issuedAt)}</Text>
                </Table.Td>
                <Table.Td>
                  <Tooltip label="Download PDF">
                    <ActionIcon
                      component="a"
                      href={apiUrl('/v1/workspaces/{workspaceId}/invoices/{id}/pdf', {
                        path: { workspaceId, id: i.id },
                      })}
                      download
                      variant="subtle"
                      aria-label={`Download invoice ${i.number} as PDF`}
                    >
                      <IconDownload size={16} />
                    </ActionIcon>
                  </Tooltip>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

/** Billing (docs/rules.md §4, seed 004; workspace admins): org details, payment methods, subscriptions, invoices. */
export function BillingTab() {
  const { workspace, can } = useWorkspaceContext();
  useDocumentTitle('Billing', workspace.name);
  if (!can('billing.manage')) return <NotFoundPage what="page" />;
  return (
    <Stack gap="md">
      <Alert variant="light" color="gray" icon={<IconCreditCard size={18} />}>
        Cards are tokenized by the payment provider: Atrium keeps only the brand, the last 4 digits and the
        expiry.
      </Alert>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <OrgDetails workspaceId={workspace.id} />
        <PaymentMethods workspaceId={workspace.id} />
      </SimpleGrid>
      <Subscriptions workspaceId={workspace.id} />
      <Invoices workspaceId={workspace.id} />
    </Stack>
  );
}
