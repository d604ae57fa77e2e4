import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema';

/**
 * The SQL of invoices (docs/architecture.md, "Repositories"): read, number,
 * usage per agent, and the insert of an issued invoice with its lines
 * (invoices are immutable, so nothing here updates or deletes).
 */

type Db = Kysely<DB> | Transaction<DB>;
type Tx = Transaction<DB>;

/** The workspace's invoices, newest period first. */
export function findInvoices(db: Db, workspaceId: string) {
  return db
    .selectFrom('invoices')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('period', 'desc')
    .execute();
}

/** One invoice of the workspace, if it exists. */
export function findInvoice(db: Db, workspaceId: string, id: string) {
  return db
    .selectFrom('invoices')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
}

/** An invoice's lines, in order. */
export function findInvoiceLines(db: Db, workspaceId: string, invoiceId: string) {
  return db
    .selectFrom('invoice_lines')
    .selectAll()
    .where('invoice_id', '=', invoiceId)
    .where('workspace_id', '=', workspaceId)
    .orderBy('position')
    .execute();
}

/** The number of the invoice of this period, if one was issued. */
export async function invoiceNumberOf(tx: Tx, workspaceId: string, period: string): Promise<string | null> {
  const row = await tx
    .selectFrom('invoices')
    .select('number')
    .where('workspace_id', '=', workspaceId)
    .where('period', '=', period)
    .executeTakeFirst();
  return row?.number ?? null;
}

/** How many invoices the workspace has. */
export async function countInvoices(tx: Tx, workspaceId: string): Promise<number> {
  const row = await tx
    .selectFrom('invoices')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Conversations per agent started in [start, end). */
export async function conversationsPerAgent(
  tx: Tx,
  workspaceId: string,
  start: Date,
  end: Date,
): Promise<Map<string, number>> {
  const rows = await tx
    .selectFrom('conversations')
    .select(['agent_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('started_at', '>=', start)
    .where('started_at', '<', end)
    .groupBy('agent_id')
    .execute();
  return new Map(rows.map((u) => [u.agent_id, Number(u.n)]));
}

/** An issued invoice and its lines, stored as they will stay (invoices are immutable). */
export async function insertInvoice(
  tx: Tx,
  invoice: {
    workspaceId: string;
    number: string;
    period: string;
    status: 'open' | 'paid';
    subtotalCents: number;
    totalCents: number;
    billTo: { name: string; emails: string[] };
    paymentMethodId: string | null;
    paymentReference: string | null;
    issuedAt: Date;
    paidAt: Date | null;
  },
  lines: { agentId: string | null; description: string; quantity: number; unitCents: number }[],
): Promise<string> {
  const row = await tx
    .insertInto('invoices')
    .values({
      workspace_id: invoice.workspaceId,
      number: invoice.number,
      period: invoice.period,
      status: invoice.status,
      subtotal_cents: invoice.subtotalCents,
      total_cents: invoice.totalCents,
      bill_to: JSON.stringify(invoice.billTo),
      payment_method_id: invoice.paymentMethodId,
      payment_reference: invoice.paymentReference,
      issued_at: invoice.issuedAt,
      paid_at: invoice.paidAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (lines.length) {
    await tx
      .insertInto('invoice_lines')
      .values(
        lines.map((l, i) => ({
          invoice_id: row.id,
          workspace_id: invoice.workspaceId,
          position: i + 1,
          agent_id: l.agentId,
          description: l.description,
          quantity: l.quantity,
          unit_cents: l.unitCents,
          amount_cents: l.quantity * l.unitCents,
        })),
      )
      .execute();
  }
  return row.id;
}
