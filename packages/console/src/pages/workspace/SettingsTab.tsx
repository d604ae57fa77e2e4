import { SimpleGrid, Stack, Text } from '@mantine/core';
import { useDocumentTitle } from '../../components/useDocumentTitle';
import { PoliciesPanel } from './settings/PoliciesPanel';
import { PresetsPanel } from './settings/PresetsPanel';
import { WorkspacePanel } from './settings/WorkspacePanel';
import { useWorkspaceContext } from './WorkspaceLayout';

/** Settings: policies and caps, presets (with versions), and the workspace itself (admins). */
export function SettingsTab() {
  const { workspace, can } = useWorkspaceContext();
  useDocumentTitle('Settings', workspace.name);
  const editable = can('workspace.manage');
  return (
    <Stack gap="md">
      {!editable && (
        <Text fz="sm" c="dimmed">
          Only workspace admins change these settings; you can read them.
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, xl: 2 }} spacing="md">
        <PoliciesPanel workspaceId={workspace.id} editable={editable} />
        <PresetsPanel workspaceId={workspace.id} editable={editable} />
      </SimpleGrid>
      {editable && <WorkspacePanel />}
    </Stack>
  );
}
