import { Anchor, Center, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Logo } from '../components/Logo';
import { useDocumentTitle } from '../components/useDocumentTitle';

/** The centred card every signed-out page (sign-in, sign-up, reset, invitation) sits in. */
export function AuthLayout({
  title,
  subtitle,
  children,
  footer,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  useDocumentTitle(title);
  return (
    <Center mih="100vh" p="md" bg="gray.0">
      <Stack w={420} gap="lg">
        <Center>
          <Anchor component={Link} to="/" underline="never" aria-label="Atrium home">
            <Logo size={34} />
          </Anchor>
        </Center>
        <Paper withBorder shadow="sm" p="xl" component="main">
          <Stack gap="md">
            <div>
              <Title order={1} fz={24}>
                {title}
              </Title>
              {subtitle && (
                <Text c="dimmed" fz="sm" mt={4}>
                  {subtitle}
                </Text>
              )}
            </div>
            {children}
          </Stack>
        </Paper>
        {footer && (
          <Text ta="center" fz="sm" c="dimmed">
            {footer}
          </Text>
        )}
      </Stack>
    </Center>
  );
}
