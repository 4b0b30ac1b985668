// Building the pages' elements without HTML strings: text is always text, never markup.

type Child = Node | string | null | undefined | false;

export interface Props {
  class?: string;
  id?: string;
  /** Attributes as written in HTML (`aria-live`, `for`, `data-…`, `type`, …). */
  attrs?: Record<string, string | boolean | undefined>;
  on?: Partial<Record<keyof HTMLElementEventMap, (event: Event) => void>>;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.class) element.className = props.class;
  if (props.id) element.id = props.id;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value === true) element.setAttribute(name, '');
    else if (typeof value === 'string') element.setAttribute(name, value);
  }
  for (const [type, listener] of Object.entries(props.on ?? {})) element.addEventListener(type, listener);
  element.append(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
  return element;
}

/** Replaces everything inside `parent`. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(...children.filter((c): c is Node | string => Boolean(c)));
}

/** The JSON the server put in the page for its script. */
export function pageData<T>(): T {
  const element = document.getElementById('page-data');
  return JSON.parse(element?.textContent ?? '{}') as T;
}

/** A JSON request to the app; throws the problem's detail (or the status) when it fails. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    // Whatever changes state is sent as JSON, with or without something to say: the API refuses
    // anything else, which keeps other sites' forms out.
    headers: method === 'GET' ? {} : { 'content-type': 'application/json' },
    body: method === 'GET' ? null : JSON.stringify(body ?? {}),
    credentials: 'same-origin',
  });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as {
      detail?: string;
      hint?: string;
      errors?: FieldProblem[];
    };
    throw new ApiError(
      response.status,
      problem.detail ?? `HTTP ${response.status}`,
      problem.hint,
      problem.errors ?? [],
    );
  }
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** A field the app refused, by its path in the request (`body.comment`), and why. */
export interface FieldProblem {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly hint?: string,
    /** The fields the app refused, when it named them. */
    readonly errors: readonly FieldProblem[] = [],
  ) {
    super(message);
  }
}

/**
 * Runs `request` again while the app answers 503 (something it is about to have, such as a call's
 * journey entry right after the call), backing off, for up to a minute.
 */
export async function retryWhileUnavailable<T>(request: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (let wait = 500; ; wait = Math.min(wait * 2, 5000)) {
    try {
      return await request();
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 503) || Date.now() + wait > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/**
 * The event a part of the console sends to open a consultation in the consultations' part
 * (`detail.appointmentId`): a chat switched to video.
 */
export const CONSULTATION_EVENT = 'console:open-consultation';
