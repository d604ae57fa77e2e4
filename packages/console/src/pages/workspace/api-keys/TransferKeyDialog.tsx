import { Badge, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBuilding } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { api, fieldError } from '../../../api/client';
import { invalidateWorkspace } from '../../../api/hooks';
import type { ApiKey } from '../../../api/types';
import { ErrorAlert } from '../../../components/ErrorAlert';

/**
 * Transfers a key to the workspace (docs/rules.md §4 "API keys"): a service
 * key keeps working after its creator leaves or is demoted. The admin types
 * the key's name to confirm.
 */
export function TransferKeyDialog({
  apiKey,
  onClose,
  workspaceId,
}: {
  apiKey: ApiKey | null;
  onClose: () => void;
  workspaceId: string;
}) {
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setConfirm('');
    setError(null);
    onClose();
  };
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!apiKey) return;
    setBusy(true);
    setError(null);
    try {
      await api.POST('/v1/workspaces/{workspaceId}/api-keys/{id}/transfer', {
        params: { path: { workspaceId, id: apiKey.id } },
        body: { confirm: confirm.trim() },
      });
      notifications.show({
        color: 'green',
        title: 'Key transferred',
        message: `${apiKey.name} now belongs to the workspace.`,
      });
      await invalidateWorkspace(workspaceId);
      close();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const owner = apiKey?.owner.type === 'user' ? (apiKey.owner.name ?? 'a deleted account') : null;
  return (
    <Modal opened={apiKey !== null} onClose={close} title="Transfer this key to the workspace?">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text fz="sm">
            {apiKey?.name} is bound to {owner}: it works only while they are an admin of this workspace. As a
            service key it keeps working after they leave, until you revoke it.
          </Text>
          <Text fz="sm" c="dimmed">
            The secret does not change. If the person leaving may still have it, revoke the key and create a
            new one instead.
          </Text>
          <TextInput
            label="Type the key's name to confirm"
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            error={fieldError(error, 'confirm')}
            data-autofocus
          />
          <ErrorAlert error={error} title="Could not transfer the key" />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={confirm.trim() !== apiKey?.name}>
              Transfer to workspace
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The key's owner: its creator (a user key) or the workspace (a service key). */
export function OwnerCell({ apiKey }: { apiKey: ApiKey }) {
  if (apiKey.owner.type === 'workspace') {
    return (
      <Badge color="blue" variant="light" size="sm" leftSection={<IconBuilding size={12} />}>
        Workspace
      </Badge>
    );
  }
  return (
    <Text fz="sm" c={apiKey.owner.name ? undefined : 'dimmed'}>
      {apiKey.owner.name ?? 'Deleted account'}
    </Text>
  );
}
