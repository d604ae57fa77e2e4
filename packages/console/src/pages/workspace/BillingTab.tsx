import { Alert, SimpleGrid, Stack } from '@mantine/core';
import { IconCreditCard } from '@tabler/icons-react';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { NotFoundPage } from '../NotFound';
import { Invoices } from './billing/Invoices';
import { OrgDetails } from './billing/OrgDetails';
import { PaymentMethods } from './billing/PaymentMethods';
import { Subscriptions } from './billing/Subscriptions';
import { useWorkspaceContext } from './WorkspaceLayout';

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
