import { sql, type Kysely } from 'kysely';

// The advisors' side of the live chat: when each visitor was last connected (a reply to someone
// gone goes out by e-mail), and the canned replies, a small set per language the team edits.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table chat_presence (
      conversation_id uuid primary key references chat_conversations (id),
      seen_at timestamptz not null
    );

    create table chat_canned_replies (
      id uuid primary key,
      locale text not null,
      title text not null,
      body text not null,
      position integer not null,
      updated_at timestamptz not null
    );
    create index chat_canned_replies_by_locale on chat_canned_replies (locale, position);

    insert into chat_canned_replies (id, locale, title, body, position, updated_at) values
      (gen_random_uuid(), 'it-IT', 'Saluto', 'Buongiorno, sono qui per aiutarla. Mi dà un momento per guardare la sua situazione?', 10, now()),
      (gen_random_uuid(), 'it-IT', 'Verifica in corso', 'Sto controllando le sue bollette: le rispondo tra pochi istanti.', 20, now()),
      (gen_random_uuid(), 'it-IT', 'Lettura stimata', 'La bolletta è calcolata su consumi stimati: se ci comunica l''autolettura del contatore, la prossima sarà su consumi reali.', 30, now()),
      (gen_random_uuid(), 'it-IT', 'Rateizzazione', 'Può chiedere di pagare a rate: le preparo la richiesta e riceve la conferma per e-mail.', 40, now()),
      (gen_random_uuid(), 'it-IT', 'Chiusura', 'C''è altro che posso fare per lei? Se no, chiudo la chat. Buona giornata!', 50, now()),
      (gen_random_uuid(), 'en-US', 'Greeting', 'Hello, I am here to help. May I take a moment to look at your account?', 10, now()),
      (gen_random_uuid(), 'en-US', 'Checking', 'I am checking your bills now: I will be right back with you.', 20, now()),
      (gen_random_uuid(), 'en-US', 'Estimated reading', 'This bill is based on an estimated reading: if you send us a meter reading, the next one will use your actual usage.', 30, now()),
      (gen_random_uuid(), 'en-US', 'Payment plan', 'You can pay in instalments: I will set up the request and you will get the confirmation by e-mail.', 40, now()),
      (gen_random_uuid(), 'en-US', 'Closing', 'Is there anything else I can do for you? If not, I will close the chat. Have a good day!', 50, now());
  `.execute(db);
}
