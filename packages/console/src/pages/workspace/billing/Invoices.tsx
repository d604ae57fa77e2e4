import { ActionIcon, Badge, Paper, Table, Text, Title, Tooltip } from '@mantine/core';
import { IconDownload, IconFileInvoice } from '@tabler/icons-react';
import { apiUrl } from '../../../api/client';
import { dateTime } from '../../../components/format';
import { QueryPanel } from '../../../components/QueryPanel';
import { money, useInvoices } from './billingQueries';

/** The workspace's invoices, each downloadable as a PDF. */
export function Invoices({ workspaceId }: { workspaceId: string }) {
  const invoices = useInvoices(workspaceId);
  const list = invoices.data ?? [];
  return (
    <Paper withBorder p="md">
      <Title order={2} fz="lg" mb="sm">
        Invoices
      </Title>
      <QueryPanel
        query={invoices}
        isEmpty={list.length === 0}
        empty={{
          icon: <IconFileInvoice size={22} />,
          title: 'No invoices yet',
          description: 'An invoice is issued when a month closes.',
        }}
      >
        <Table verticalSpacing="xs" aria-label="Invoices">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Number</Table.Th>
              <Table.Th>Period</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th ta="right">Total</Table.Th>
              <Table.Th>Issued</Table.Th>
              <Table.Th w={50} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((i) => (
              <Table.Tr key={i.id}>
                <Table.Td>
                  <Text fz="sm" className="atrium-mono">
                    {i.number}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text fz="sm">{i.period}</Text>
                </Table.Td>
                <Table.Td>
                  <Badge
                    variant="light"
                    color={i.status === 'paid' ? 'green' : i.status === 'open' ? 'yellow' : 'gray'}
                  >
                    {i.status}
                  </Badge>
                </Table.Td>
                <Table.Td ta="right">
                  <Text fz="sm" fw={600}>
                    {money(i.totalCents, i.currency)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text fz="sm">{dateTime(i.issuedAt)}</Text>
                </Table.Td>
                <Table.Td>
                  <Tooltip label="Download PDF">
                    <ActionIcon
                      component="a"
                      href={apiUrl('/v1/workspaces/{workspaceId}/invoices/{id}/pdf', {
                        path: { workspaceId, id: i.id },
                      })}
                      download
                      variant="subtle"
                      aria-label={`Download invoice ${i.number} as PDF`}
                    >
                      <IconDownload size={16} />
                    </ActionIcon>
                  </Tooltip>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </QueryPanel>
    </Paper>
  );
}
