import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One instruction from the harness: POST `arguments`, as JSON, to `url`. */
export interface Action {
  url: string;
  arguments: unknown;
}

/**
 * Sends one action. `request` is the incoming `POST /test` the action came in, for a caller that
 * wants to read its headers (the harness's own controls, which propagate by hand); the service
 * itself never reads them.
 */
export type SendAction = (action: Action, request: IncomingMessage) => Promise<void>;

export interface ServiceOptions {
  /**
   * The address to listen on.
   * @defaultValue `'127.0.0.1'`
   */
  host?: string;
  /**
   * How each action is sent.
   * @defaultValue {@link postAction}: `fetch`, with no trace context added by hand
   */
  send?: SendAction;
}

export interface RunningService {
  server: Server;
  /** The endpoint to give the harness: `http://host:port/test`. */
  url: string;
  /** Stops listening and drops open connections (the harness's keep-alive ones too). */
  close(): Promise<void>;
}

/** A `POST /test` body larger than this is refused (413): the harness sends a few hundred bytes. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * POSTs the action's `arguments` to its `url` and reads the answer to the end (so the connection
 * can be reused). `headers` are added to the request; the example service passes none: the trace
 * context on the request is the automatic instrumentation's (see `instrument.ts`).
 */
export async function postAction(action: Action, headers: Readonly<Record<string, string>> = {}): Promise<void> {
  const response = await fetch(action.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(action.arguments ?? []),
  });
  await response.arrayBuffer();
}

/**
 * Starts the service the W3C Trace Context harness drives. `POST /test` takes a JSON list of
 * `{ url, arguments }`; for each, in order, it POSTs `arguments` to `url` and waits for the answer,
 * then answers 200. A body that is not such a list is a 400; a failed action ends the list there
 * with a 502 that says which one. Anything else is a 404.
 *
 * @param port `0` picks a free port; `url` says which.
 */
export async function startService(port: number, options: ServiceOptions = {}): Promise<RunningService> {
  const host = options.host ?? '127.0.0.1';
  const send = options.send ?? ((action) => postAction(action));
  const server = createServer((request, response) => {
    if (request.method !== 'POST' || new URL(request.url ?? '/', 'http://service').pathname !== '/test') {
      answer(response, 404, 'only POST /test is served');
      return;
    }
    handleTest(request, response, send).catch((error: unknown) => answer(response, 500, String(error)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/test`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handleTest(request: IncomingMessage, response: ServerResponse, send: SendAction): Promise<void> {
  const body = await readBody(request);
  if (body === undefined) {
    answer(response, 413, `the body is over ${MAX_BODY_BYTES} bytes`);
    return;
  }
  const actions = parseActions(body);
  if (typeof actions === 'string') {
    answer(response, 400, actions);
    return;
  }
  for (const [index, action] of actions.entries()) {
    try {
      await send(action, request);
    } catch (error) {
      answer(response, 502, `action ${index} (POST ${action.url}) failed: ${String(error)}`);
      return;
    }
  }
  answer(response, 200, 'ok');
}

/** The actions in a `POST /test` body, or what is wrong with it. */
function parseActions(body: string): Action[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'the body is not JSON';
  }
  if (!Array.isArray(parsed)) return 'the body must be a JSON list of { url, arguments }';
  const actions: Action[] = [];
  for (const [index, item] of parsed.entries()) {
    const url: unknown = item?.url;
    if (typeof url !== 'string' || !URL.canParse(url)) return `item ${index} has no valid url`;
    actions.push({ url, arguments: item.arguments });
  }
  return actions;
}

/** The whole body as text, or undefined past {@link MAX_BODY_BYTES}. */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function answer(response: ServerResponse, status: number, text: string): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
}
