import { Button, Group, Modal, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { api, fieldError } from '../../../api/client';
import { invalidateWorkspace } from '../../../api/hooks';
import { ErrorAlert } from '../../../components/ErrorAlert';

/** Adds a card: the number goes to the payment provider, Atrium keeps brand, last 4 digits and expiry. */
export function AddCardDialog({
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
