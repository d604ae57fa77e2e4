import type { Matrix } from '@atrium/policy';
import { Button, Group, Modal, Stack } from '@mantine/core';
import { useState } from 'react';
import type { AgentMember } from '../../../api/types';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { PermissionMatrix } from '../../../components/PermissionMatrix';

/** Edits one agent user's custom permission matrix on this agent; `onSave` does the write. */
export function CustomMatrixDialog({
  member,
  onClose,
  onSave,
}: {
  member: AgentMember | null;
  onClose: () => void;
  onSave: (m: Matrix) => Promise<void>;
}) {
  const [matrix, setMatrix] = useState<Matrix>(member?.matrix ?? {});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <Modal
      opened={member !== null}
      onClose={onClose}
      title={`Permissions of ${member?.name ?? ''} on this agent`}
      size="xl"
    >
      <Stack>
        <PermissionMatrix value={matrix} onChange={setMatrix} label="Agent permissions" />
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            loading={busy}
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                await onSave(matrix);
                onClose();
              } catch (err) {
                setError(err);
              } finally {
                setBusy(false);
              }
            }}
          >
            Save permissions
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
