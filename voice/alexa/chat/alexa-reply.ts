import type { ResponseEnvelope, ui } from 'ask-sdk-model';

/** A card as the Alexa app shows it; a LinkAccount card has neither title nor text. */
export interface ReplyCard {
  type: ui.Card['type'];
  title: string;
  text: string;
}

/** What the user hears and sees from a skill response. */
export interface AlexaReply {
  /** The speech as plain text: SSML tags removed, entities decoded. Empty when the skill said nothing. */
  speech: string;
  /** What Alexa says if the user stays silent. */
  reprompt?: string;
  card?: ReplyCard;
  /** The types of the response's directives, e.g. `Dialog.ElicitSlot`. */
  directives: string[];
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** SSML as the words Alexa speaks: tags dropped (a break or paragraph as a space), entities decoded. */
export function ssmlToText(ssml: string): string {
  return ssml
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => entities[name] ?? '')
    .replace(/\s+/g, ' ')
    .replace(/\s+([.,;:!?])/g, '$1')
    .trim();
}

function spoken(speech: ui.OutputSpeech | undefined): string | undefined {
  if (!speech) return undefined;
  return speech.type === 'SSML' ? ssmlToText(speech.ssml) : speech.text.trim();
}

function cardOf(card: ui.Card | undefined): ReplyCard | undefined {
  if (!card) return undefined;
  switch (card.type) {
    case 'Simple':
      return { type: card.type, title: card.title ?? '', text: card.content ?? '' };
    case 'Standard':
      return { type: card.type, title: card.title ?? '', text: card.text ?? '' };
    default:
      return { type: card.type, title: '', text: '' };
  }
}

/** Reads a skill's response the way the Alexa service renders it to the user. */
export function readReply(envelope: ResponseEnvelope): AlexaReply {
  const { response } = envelope;
  const reprompt = spoken(response.reprompt?.outputSpeech);
  const card = cardOf(response.card);
  return {
    speech: spoken(response.outputSpeech) ?? '',
    ...(reprompt !== undefined ? { reprompt } : {}),
    ...(card ? { card } : {}),
    directives: (response.directives ?? []).map((directive) => directive.type),
  };
}
