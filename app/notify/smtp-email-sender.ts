import nodemailer from 'nodemailer';
import type { MessageSender } from '../../core/index.ts';

/** E-mail through an SMTP server (`smtp://user:pass@host:587`, `smtps://…`). */
export function createSmtpEmailSender(options: {
  url: string;
  from: string;
}): MessageSender & { close(): void } {
  const transport = nodemailer.createTransport(options.url);
  return {
    medium: 'email',
    async send(message) {
      await transport.sendMail({
        from: options.from,
        to: message.recipient,
        subject: message.subject ?? '',
        text: message.body,
        ...(message.html ? { html: message.html } : {}),
        attachments: message.attachments.map((a) => ({
          filename: a.filename,
          contentType: a.contentType,
          content: a.content,
          ...(a.encoding ? { encoding: a.encoding } : {}),
        })),
        headers: { 'X-Channel-Pilot-Message': message.id },
      });
    },
    close: () => transport.close(),
  };
}
