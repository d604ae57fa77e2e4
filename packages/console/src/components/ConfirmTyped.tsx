import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { ErrorAlert } from './ErrorAlert';

/**
 * A destructive action confirmed by typing a name or email (docs/rules.md §4:
 * "Deleting a member, an agent or a workspace asks the person to type its
 * email or name"). The server checks the same text.
 */
export function ConfirmTyped({
  opened,
  onClose,
  title,
  description,
  expected,
  action,
  onConfirm,
}: {
  opened: boolean;
  onClose: () => void;
  title: string;
  description: string;
  expected: string;
  action: string;
  onConfirm: (typed: string) => Promise<void>;
}) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const close = () => {
    setTyped('');
    setError(null);
    onClose();
  };
  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await onConfirm(typed.trim());
      close();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal opened={opened} onClose={close} title={title}>
      <Stack>
        <Text fz="sm">{description}</Text>
        <TextInput
          label={
            <>
              Type <b>{expected}</b> to confirm
            </>
          }
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          data-autofocus
        />
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button color="red" disabled={typed.trim() !== expected} loading={busy} onClick={confirm}>
            {action}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
