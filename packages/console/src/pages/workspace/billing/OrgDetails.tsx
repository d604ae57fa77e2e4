import { Button, Group, Paper, Skeleton, Stack, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { api, fieldError } from '../../../api/client';
import { invalidateWorkspace } from '../../../api/hooks';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { money, useBilling } from './billingQueries';

/** The organization on the invoices (name, invoice emails) and the monthly total. */
export function OrgDetails({ workspaceId }: { workspaceId: string }) {
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
