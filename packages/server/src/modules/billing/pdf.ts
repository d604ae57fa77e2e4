import PDFDocument from 'pdfkit';
import { formatCents } from './plans';
import type { InvoiceDetail } from './queries';

/**
 * Renders an invoice as a PDF with pdfkit (standard Helvetica: no font files
 * to ship). The text is real text, so it can be searched, copied and read
 * back by tests.
 */
export function renderInvoicePdf(invoice: InvoiceDetail): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: 50,
      info: {
        Title: `Invoice ${invoice.number}`,
        Author: 'Atrium',
        CreationDate: new Date(invoice.issuedAt),
      },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);

    doc.font('Helvetica-Bold').fontSize(20).text(`Invoice ${invoice.number}`);
    doc.moveDown(0.5).font('Helvetica').fontSize(10);
    doc.text(`Period: ${invoice.period}`);
    doc.text(`Issued: ${invoice.issuedAt.slice(0, 10)}`);
    doc.text(
      `Status: ${invoice.status.toUpperCase()}${invoice.paidAt ? ` (paid ${invoice.paidAt.slice(0, 10)})` : ''}`,
    );
    if (invoice.paymentMethod) {
      doc.text(`Payment method: ${invoice.paymentMethod.brand} ending ${invoice.paymentMethod.last4}`);
    }
    doc.moveDown();
    doc.font('Helvetica-Bold').text('Bill to');
    doc.font('Helvetica').text(invoice.billTo.name);
    for (const email of invoice.billTo.emails) doc.text(email);
    doc.moveDown();

    const left = doc.page.margins.left;
    const cols = { desc: left, qty: left + 290, unit: left + 340, amount: left + 420 };
    const row = (d: string, q: string, u: string, a: string, bold = false) => {
      const y = doc.y;
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
      doc.text(d, cols.desc, y, { width: 280 });
      const after = doc.y;
      doc.text(q, cols.qty, y, { width: 45, align: 'right' });
      doc.text(u, cols.unit, y, { width: 75, align: 'right' });
      doc.text(a, cols.amount, y, { width: 75, align: 'right' });
      doc.x = left;
      doc.y = Math.max(after, doc.y) + 4;
    };
    row('Description', 'Qty', 'Unit', 'Amount', true);
    if (invoice.lines.length === 0) row('No paid agents this period', '', '', formatCents(0));
    for (const l of invoice.lines) {
      row(l.description, String(l.quantity), formatCents(l.unitCents), formatCents(l.amountCents));
    }
    doc.moveDown(0.5);
    row('Subtotal', '', '', formatCents(invoice.subtotalCents));
    row(`Total (${invoice.currency.toUpperCase()})`, '', '', formatCents(invoice.totalCents), true);
    doc.end();
  });
}
