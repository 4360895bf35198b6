import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HijackHandler } from './hijack.js';

export interface RouteContext {
  request: IncomingMessage;
  response: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  version: string;
}

export type Handler = (context: RouteContext) => Promise<void> | void;

export interface RouteOptions {
  /** The body is an upload streamed to a service (image load, import): no body deadline. */
  streamsBody?: boolean;
}

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
  streamsBody: boolean;
}

export interface RouteMatch {
  handler: Handler;
  params: Record<string, string>;
  streamsBody: boolean;
}

/** Method + path templates like "/networks/{id}"; a parameter matches one path segment. */
export class Router {
  private readonly routes: Route[] = [];
  private readonly hijackRoutes: Array<{ method: string; pattern: RegExp; keys: string[]; handler: HijackHandler }> = [];

  /** A route that upgrades the connection (attach, exec start). */
  addHijack(method: string, template: string, handler: HijackHandler): this {
    const { pattern, keys } = compile(template);
    this.hijackRoutes.push({ method, pattern, keys, handler });
    return this;
  }

  matchHijack(method: string, path: string): { handler: HijackHandler; params: Record<string, string> } | undefined {
    for (const route of this.hijackRoutes) {
      const match = route.method === method ? route.pattern.exec(path) : null;
      if (match) return { handler: route.handler, params: paramsOf(route.keys, match) };
    }
    return undefined;
  }

  add(method: string, template: string, handler: Handler, options: RouteOptions = {}): this {
    const { pattern, keys } = compile(template);
    this.routes.push({ method, pattern, keys, handler, streamsBody: options.streamsBody ?? false });
    return this;
  }

  match(method: string, path: string): RouteMatch | 'method-not-allowed' | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) continue;
      return { handler: route.handler, params: paramsOf(route.keys, match), streamsBody: route.streamsBody };
    }
    return pathMatched ? 'method-not-allowed' : undefined;
  }
}

function compile(template: string): { pattern: RegExp; keys: string[] } {
  const keys: string[] = [];
  const source = template.replace(/\{(\w+)\}/g, (_, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  return { pattern: new RegExp(`^${source}/?$`), keys };
}

function paramsOf(keys: readonly string[], match: RegExpExecArray): Record<string, string> {
  const params: Record<string, string> = {};
  keys.forEach((key, index) => {
    params[key] = decodeURIComponent(match[index + 1] ?? '');
  });
  return params;
}
