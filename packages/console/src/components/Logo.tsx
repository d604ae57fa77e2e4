import { Group, Text } from '@mantine/core';

/** The Atrium mark and name. */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <Group gap={8} wrap="nowrap">
      <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
        <rect width="32" height="32" rx="7" fill="var(--mantine-color-atrium-6)" />
        <path d="M9 24 16 8l7 16h-3.4L16 15.4 12.4 24z" fill="#fff" />
        <rect x="13" y="19" width="6" height="2.4" rx="1" fill="#fff" />
      </svg>
      <Text fw={700} fz={size * 0.7} lh={1} c="dark.8">
        Atrium
      </Text>
    </Group>
  );
}
