import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { type AccountKind, type Bill, type BillComparison, type Locale } from '../core/index.ts';
import { billPaymentPayload, type BillView, type PaymentCodeScheme } from '../core/services.ts';
import { billTexts } from './bill-texts.ts';

/** Everything the printed bill shows; the payment code and the page's address are made by the caller. */
export interface BillDocumentInput {
  organisation: string;
  locale: Locale;
  customer: { firstName: string; lastName: string };
  supply: { kind: AccountKind; address: string };
  bill: Bill;
  comparison: BillComparison;
  /** What the payment QR code carries (a pagoPA notice or an EPC transfer). */
  paymentPayload: string;
  /** The customer's personal link to the bill's page. */
  pageUrl: string;
}

const MM = 72 / 25.4;
const MARGIN = 15 * MM;
const INK = '#1b2a3a';
const MUTED = '#5b6b7b';
const ACCENT = '#0b5cad';

/**
 * Draws a QR code as vector squares (print houses and pagoPA ask for vector, monochrome codes),
 * with its four-module quiet zone in white. ECC level M, as pagoPA and EPC069-12 require.
 */
function drawQr(doc: PDFKit.PDFDocument, payload: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(payload, { errorCorrectionLevel: 'M' });
  const cell = size / (modules.size + 8);
  doc.rect(x, y, size, size).fill('#ffffff');
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (modules.get(row, col)) doc.rect(x + (col + 4) * cell, y + (row + 4) * cell, cell, cell);
    }
  }
  doc.fill('#000000');
}

/** The bill as a PDF: a front page read at a glance, with both QR codes and the personal link. */
export async function renderBillDocument(input: BillDocumentInput): Promise<Buffer> {
  const t = billTexts(input.locale);
  const { bill } = input;
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: { Title: `${t.title} ${bill.number}`, Author: input.organisation },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;

  doc.fillColor(ACCENT).font('Helvetica-Bold').fontSize(16).text(input.organisation, MARGIN, MARGIN);
  doc
    .fillColor(INK)
    .fontSize(22)
    .text(`${t.title} ${t.supply(input.supply.kind)}`);
  doc.font('Helvetica').fontSize(10).fillColor(MUTED);
  doc.text(`${t.number} ${bill.number} · ${t.issuedOn} ${t.day(bill.issuedOn)}`);
  doc.moveDown(0.8).fillColor(INK).fontSize(11);
  doc.text(`${input.customer.firstName} ${input.customer.lastName}`);
  doc.text(input.supply.address);
  doc.text(t.period(bill.periodStart, bill.periodEnd));

  const boxTop = doc.y + 12;
  doc.roundedRect(MARGIN, boxTop, width, 70, 6).fill('#eef4fb');
  doc
    .fillColor(MUTED)
    .fontSize(11)
    .text(t.toPay, MARGIN + 14, boxTop + 12);
  doc
    .fillColor(INK)
    .font('Helvetica-Bold')
    .fontSize(26)
    .text(t.money(bill.amountCents), MARGIN + 14, boxTop + 30);
  doc
    .font('Helvetica')
    .fontSize(13)
    .text(t.dueBy(bill.dueOn), MARGIN + width / 2, boxTop + 38, { width: width / 2 - 14, align: 'right' });

  doc.y = boxTop + 88;
  doc.x = MARGIN;
  doc.font('Helvetica-Bold').fontSize(13).fillColor(INK).text(t.whatChanged);
  doc.font('Helvetica').fontSize(11);
  for (const sentence of t.explanation(input.comparison)) doc.text(`• ${sentence}`, { width });

  doc.moveDown(0.8).font('Helvetica-Bold').fontSize(13).text(t.lines);
  doc.font('Helvetica').fontSize(10);
  // The lines stop above the total and the QR codes: a description wraps to two lines at most,
  // and the lines that would not fit are summed in one row pointing to the bill's page.
  const size = 34 * MM;
  const codesTop = doc.page.height - MARGIN - size - 30;
  const rowHeight = doc.heightOfString('Ag', { width }) * 2 + 3;
  const room = Math.max(1, Math.floor((codesTop - 24 - doc.y) / rowHeight));
  const shownLines = bill.lines.length <= room ? bill.lines : bill.lines.slice(0, room - 1);
  const folded = bill.lines.slice(shownLines.length);
  const rows = [
    ...shownLines.map((line) => ({
      description: line.description,
      quantity:
        line.quantity !== null && line.quantity > 0 && line.unit
          ? `${line.quantity} ${line.unit} × ${t.unitPrice(line.amountCents / line.quantity)}/${line.unit}`
          : '',
      amountCents: line.amountCents,
    })),
    ...(folded.length > 0
      ? [
          {
            description: t.otherLines(folded.length),
            quantity: '',
            amountCents: folded.reduce((sum, line) => sum + line.amountCents, 0),
          },
        ]
      : []),
  ];
  let rowTop = doc.y + 3;
  for (const row of rows) {
    const fit = { height: rowHeight - 3, ellipsis: true };
    doc.fillColor(INK).text(row.description, MARGIN, rowTop, { width: width * 0.45, ...fit });
    doc.fillColor(MUTED).text(row.quantity, MARGIN + width * 0.45, rowTop, { width: width * 0.35, ...fit });
    doc
      .fillColor(INK)
      .text(t.money(row.amountCents), MARGIN + width * 0.8, rowTop, { width: width * 0.2, align: 'right' });
    const used = Math.max(
      doc.heightOfString(row.description, { width: width * 0.45 }),
      doc.heightOfString(row.quantity || 'A', { width: width * 0.35 }),
    );
    rowTop += Math.min(used, rowHeight - 3) + 3;
  }
  doc.y = rowTop;
  const totalY = doc.y + 4;
  doc
    .moveTo(MARGIN, totalY)
    .lineTo(MARGIN + width, totalY)
    .strokeColor(MUTED)
    .stroke();
  doc.font('Helvetica-Bold').text(t.total, MARGIN, totalY + 4);
  doc.text(t.money(bill.amountCents), MARGIN + width * 0.8, totalY + 4, {
    width: width * 0.2,
    align: 'right',
  });

  drawQr(doc, input.paymentPayload, MARGIN, codesTop, size);
  doc
    .font('Helvetica-Bold')
    .fontSize(11)
    .text(t.payWithCode, MARGIN + size + 8, codesTop + 8, { width: width / 2 - size - 12 });
  doc
    .font('Helvetica')
    .fontSize(9)
    .fillColor(MUTED)
    .text(t.scanToPay, { width: width / 2 - size - 12 });
  const right = MARGIN + width - size;
  drawQr(doc, input.pageUrl, right, codesTop, size);
  doc
    .fillColor(INK)
    .font('Helvetica-Bold')
    .fontSize(11)
    .text(t.billPage, MARGIN + width / 2, codesTop + 8, {
      width: width / 2 - size - 8,
    });
  doc
    .font('Helvetica')
    .fontSize(9)
    .fillColor(MUTED)
    .text(t.scanForPage, { width: width / 2 - size - 8 });
  doc
    .fillColor(ACCENT)
    .fontSize(8)
    .text(input.pageUrl, MARGIN, codesTop + size + 8, { width, link: input.pageUrl, underline: true });

  doc.end();
  await done;
  return Buffer.concat(chunks);
}

/** The printed bill of a communicated bill, under the organisation's name and payment code. */
export function communicatedBillDocument(options: { organisation: string; paymentCodes: PaymentCodeScheme }) {
  return (view: BillView, pageUrl: string): Promise<Buffer> =>
    renderBillDocument({
      organisation: options.organisation,
      locale: view.locale,
      customer: { firstName: view.firstName, lastName: view.lastName },
      supply: view.supply,
      bill: view.bill,
      comparison: view.comparison,
      paymentPayload: billPaymentPayload(options.paymentCodes, view.bill),
      pageUrl,
    });
}
