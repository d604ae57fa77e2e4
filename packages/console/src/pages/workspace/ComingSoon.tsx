import { Badge, EmptyState, Stack } from '@mantine/core';
import { IconCreditCard, IconHelpCircle } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError, api } from '../../api/client';
import { workspacePath } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { useWorkspaceContext } from './WorkspaceLayout';

/**
 * Billing and the help center are issue 7 and their API does not exist yet.
 * These tabs ask the API; while it answers 404 they say "coming soon" plainly
 * instead of showing made-up data.
 */
function ComingSoon({
  path,
  title,
  what,
  icon,
}: {
  path: string;
  title: string;
  what: string;
  icon: ReactNode;
}) {
  const { workspace } = useWorkspaceContext();
  useDocumentTitle(title, workspace.name);
  const probe = useQuery({
    queryKey: ['ws', workspace.id, 'probe', path],
    queryFn: () => api(`${workspacePath(workspace.id)}/${path}`),
    retry: false,
  });
  const missing = probe.error instanceof ApiError && probe.error.status === 404;
  return (
    <Stack>
      {probe.error && !missing ? <ErrorAlert error={probe.error} /> : null}
      <EmptyState
        py={60}
        icon={icon}
        withIndicatorBackground
        title={
          <>
            {title} <Badge variant="light">Coming soon</Badge>
          </>
        }
        description={what}
      />
    </Stack>
  );
}

export function BillingTab() {
  return (
    <ComingSoon
      path="billing"
      title="Billing"
      icon={<IconCreditCard size={28} />}
      what="Organisation details, payment methods, subscriptions per paid agent and downloadable invoices will live here. Paid agents are already approved on the Agents tab."
    />
  );
}

export function HelpTab() {
  return (
    <ComingSoon
      path="tickets"
      title="Help center"
      icon={<IconHelpCircle size={28} />}
      what="File tickets about an agent or the workspace. Admins will see every ticket of the workspace, others their own."
    />
  );
}
