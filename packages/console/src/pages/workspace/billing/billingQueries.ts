import { notifications } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import { api, errorMessage } from '../../../api/client';
import { invalidateWorkspace } from '../../../api/hooks';

/** Cents as money: 4900 → "$49.00". */
export function money(cents: number, currency = 'USD'): string {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(cents / 100);
}

/** The billing queries share one key prefix per workspace, so any write refreshes them all. */
const billingKey = (workspaceId: string, what: string) => ['ws', workspaceId, 'billing', what];

export function useBilling(workspaceId: string) {
  return useQuery({
    queryKey: billingKey(workspaceId, 'billing'),
    queryFn: () => api.GET('/v1/workspaces/{workspaceId}/billing', { params: { path: { workspaceId } } }),
  });
}

export function usePaymentMethods(workspaceId: string) {
  return useQuery({
    queryKey: billingKey(workspaceId, 'payment-methods'),
    queryFn: async () =>
      (await api.GET('/v1/workspaces/{workspaceId}/payment-methods', { params: { path: { workspaceId } } }))
        .paymentMethods,
  });
}

export function useSubscriptions(workspaceId: string) {
  return useQuery({
    queryKey: billingKey(workspaceId, 'subscriptions'),
    queryFn: async () =>
      (await api.GET('/v1/workspaces/{workspaceId}/subscriptions', { params: { path: { workspaceId } } }))
        .subscriptions,
  });
}

export function useInvoices(workspaceId: string) {
  return useQuery({
    queryKey: billingKey(workspaceId, 'invoices'),
    queryFn: async () =>
      (await api.GET('/v1/workspaces/{workspaceId}/invoices', { params: { path: { workspaceId } } }))
        .invoices,
  });
}
/** Runs one billing action: a notification says whether it worked, and the workspace's queries refresh. */
export async function act(workspaceId: string, fn: () => Promise<unknown>, done: string) {
  try {
    await fn();
    notifications.show({ color: 'green', title: done, message: '' });
    await invalidateWorkspace(workspaceId);
  } catch (err) {
    notifications.show({ color: 'red', title: 'Could not do that', message: errorMessage(err) });
  }
}
