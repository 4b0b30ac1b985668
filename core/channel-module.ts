import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { z } from 'zod';
import type { AccountLinking } from './account-linking.ts';
import type { Appointment } from './advisors.ts';
import type { BookingService } from './booking-service.ts';
import type { ChannelAccess } from './channel-access.ts';
import type { ChannelInput } from './channels.ts';
import type { Clock } from './clock.ts';
import type { ConsultationDesk } from './consultation-desk.ts';
import type { CustomerVisit } from './page-visits.ts';
import type { PaymentLinks } from './payment-links.ts';
import type { SignedLinks } from './signed-links.ts';
import type { Permission, StaffUser } from './staff.ts';
import type { Stores } from './storage/postgres-stores.ts';

// The one thing the host (app/) knows about a channel. A new channel is a folder whose index.ts
// exports `createXChannel(deps)` returning a ChannelModule; the host loops over its list.

interface Mountable {
  handle(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void;
}
/**
 * A Node HTTP handler in connect style (an Express router is one). Taken from a method so that a
 * handler typed with a framework's richer request and response fits.
 */
export type HttpHandler = Mountable['handle'];

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

type AnyObject = z.ZodObject<z.ZodRawShape>;

/**
 * A JSON route a channel declares. The host checks the staff session and permission, validates
 * params, query and body with the schemas, and documents the route with them in the OpenAPI
 * document.
 */
export interface ChannelRoute<
  P extends AnyObject,
  Q extends AnyObject,
  B extends z.ZodType,
  R extends z.ZodType,
> {
  method: HttpMethod;
  /** Express-style path: `/api/appointments/:id/access`. */
  path: string;
  summary: string;
  /** The OpenAPI tag it is listed under. */
  tag: string;
  /** `public` routes need no login; every other route needs a staff session with this permission. */
  permission: Permission | 'public';
  params?: P;
  query?: Q;
  body?: B;
  /** What a successful call returns as JSON (null: nothing). */
  response: R | null;
  status?: 200 | 201 | 204;
  handler: (input: {
    params: z.output<P>;
    query: z.output<Q>;
    body: z.output<B>;
    staff: StaffUser | undefined;
  }) => Promise<unknown>;
}

/** An OpenAPI 3.1 operation object (summary, tags, parameters, responses) with zod schemas. */
export type OperationDescription = { summary: string; tags: string[] } & Record<string, unknown>;

/** Port: how a channel adds its routes to the host's API. */
export interface RouteKit {
  route<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType>(
    spec: ChannelRoute<P, Q, B, R>,
  ): void;
  /**
   * Documents a route the channel serves itself (a page, a signed webhook); the host adds the
   * problem document of its 4XX answers.
   */
  describe(method: HttpMethod, path: string, operation: OperationDescription): void;
  /** The OpenAPI response of a problem document (RFC 9457), for statuses beyond 4XX. */
  readonly problem: { description: string; content: Record<string, unknown> };
}

/** A browser script the host bundles and serves at `/assets/<name>.js`. */
export interface BrowserBundle {
  /** Lower-case letters only: the file name it is served under. */
  name: string;
  /** The absolute path of its entry module. */
  entry: string;
  /** Loaded by other sites' pages (a widget): served with a cross-origin resource policy. */
  embeddable?: boolean;
  /** Loaded by the advisor console beside the consultations, in its own `<section>` (the chat inbox). */
  console?: boolean;
  /**
   * Loaded on the kit's own customer pages (payment, consultation, bill) as a classic script, its
   * tag carrying `data-locale`, `data-page` (the page's touchpoint) and `data-visit` (a signed
   * {@link CustomerVisit}: the page's customer, as its personal link proved).
   */
  customerPages?: boolean;
}

/** Work the host repeats on its poll (every instance runs it: it must be safe to run twice). */
export interface BackgroundWork {
  /** Named in the log when it fails. */
  name: string;
  run(): Promise<unknown>;
}

/** An option of a channel's command, in the usual flag syntax: `--issued-on <day>`, `--json`. */
export interface CommandOption {
  flags: string;
  description: string;
  required?: boolean;
  /**
   * Checks and converts the value (given the previous one, for an option that repeats); throws a
   * ChannelPilotError saying what is expected, which the host shows beside the option's name.
   */
  parse?: (value: string, previous: unknown) => unknown;
  default?: string;
}

/** What a command is run with: its arguments and options as parsed, and where it prints. */
export interface CommandInput {
  /** The positional arguments, in the order declared. */
  args: readonly string[];
  /** The options by name in camelCase (`--issued-on` is `issuedOn`), converted by their `parse`. */
  options: Readonly<Record<string, unknown>>;
  /** Prints a line on standard output. */
  print(line: string): void;
  /** Writes text on standard output as it is (a CSV). */
  write(text: string): void;
}

/** A command of the CLI a channel adds, described without any CLI library's types. */
export interface ChannelCommand {
  name: string;
  description: string;
  /** Positional arguments, all required. */
  arguments?: { name: string; description: string }[];
  options?: CommandOption[];
  /** Runs on the channel as the host built it on the configured database. */
  run(input: CommandInput): Promise<void>;
}

/** A word of the CLI grouping commands (`bills`; `voice dialogflow`). */
export interface CommandGroup {
  name: string;
  description: string;
  commands: ChannelCommand[];
  groups?: CommandGroup[];
}

/** What a channel brings to the host. Everything but its registration is optional. */
export interface ChannelModule {
  /**
   * The channel and its touchpoints, registered when the host starts; once present, only
   * touchpoints it did not have are added (the rest stays as the organisation made it).
   */
  registration: ChannelInput;
  /** Its JSON routes, declared through the host's route kit. */
  routes?(kit: RouteKit): void;
  /** Handlers that read the raw body (signed requests): mounted before any body parser. */
  rawRoutes?: HttpHandler[];
  /** Its pages, mounted after the API. */
  pages?: HttpHandler[];
  bundles?: BrowserBundle[];
  /**
   * Takes an HTTP upgrade (a WebSocket) addressed to the channel and returns true, or returns
   * false and leaves it to the others.
   */
  upgrade?(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  background?: BackgroundWork[];
  /**
   * Its commands, under a word of its own (`channel-pilot bills send`). A group the host already
   * has under that word gains them.
   */
  commands?: CommandGroup;
  /** Lets work in flight finish; the host calls it once on shutdown, before closing the database. */
  close?(): Promise<void>;
}

/** Markup that is safe to send: made by the page kit's `html`, or vouched for with its `raw`. */
export interface Markup {
  readonly value: string;
}

/** A page for customers in the product's layout: one document, in the customer's language. */
export interface CustomerDocument {
  /** A BCP 47 tag (`it-IT`): the document's language. */
  locale: string;
  title: string;
  /** The page's own style sheet (inline: the pages load nothing but their script). */
  styles: string;
  body: Markup;
  /** Said on the body as `data-state`, for scripts and tests. */
  state?: string;
  /** Reload after this many seconds (something opens soon). */
  refreshSeconds?: number | undefined;
  /** A browser bundle of the channel, given `data` as JSON in `#page-data`. */
  script?: { name: string; data: unknown };
  /** More bundles the page loads after its own. */
  scripts?: readonly string[];
  /** The customer the page's personal link proved: the widgets of `customerPages` bundles open as them. */
  visit?: CustomerVisit | undefined;
}

/**
 * Port: what a channel renders its pages with, so that every page escapes, is laid out and knows
 * its staff the same way.
 */
export interface PageKit {
  /** A template whose interpolations are escaped, except Markup; arrays join, null and false vanish. */
  html(strings: TemplateStringsArray, ...values: unknown[]): Markup;
  raw(markup: string): Markup;
  /** Text made safe for HTML text and quoted attributes. */
  escape(text: string): string;
  document(page: CustomerDocument): string;
  /** The staff member whose session the request carries, if any. */
  staff(request: IncomingMessage): Promise<StaffUser | undefined>;
  /** Where staff log in, coming back to `next` (a path of this site). */
  loginPath(next: string): string;
  /** The channels' bundles marked `console`, which the advisor console loads beside its own. */
  consoleScripts(): string[];
  /**
   * The script tags of the bundles marked `customerPages` (the chat widget), opened as the visit's
   * customer; nothing when no channel offers one.
   */
  visitWidgets(visit: CustomerVisit, locale: string): Markup;
  /**
   * The Content-Security-Policy directives a page showing `visitWidgets` adds (scripts from and
   * connections to this site); none when no channel offers a widget.
   */
  widgetPolicy(): string[];
}

/** Where a channel reports what went wrong outside a request (the host's log). */
export interface ChannelLog {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** The services every channel is built on: core's stores and the shared services around them. */
export interface ChannelDeps {
  stores: Stores;
  clock: Clock;
  booking: BookingService;
  desk: ConsultationDesk;
  links: SignedLinks;
  paymentLinks: PaymentLinks;
  /** Linking codes and tokens that tie a channel's user to a customer. */
  linking: AccountLinking;
  /** Who may use a pilot channel: the pilots decide. */
  access: ChannelAccess;
  /** What its pages are made with. */
  pages: PageKit;
  /** The address customers reach the app at (links in messages). */
  publicUrl: string;
  /** publicUrl is where the server was last reached, not a setting: the links a command prints say so. */
  publicUrlLastServed?: boolean;
  /** The link that opens a consultation for its customer, as its confirmation carries it. */
  joinUrl(appointment: Appointment): string;
  log: ChannelLog;
}
