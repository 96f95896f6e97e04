import type { FastifyInstance } from 'fastify';
import { CONSOLE_PAGE } from './assets/consolePage.js';
import { CONSOLE_SCRIPT } from './assets/consoleScript.js';
import { CONSOLE_STYLE } from './assets/consoleStyle.js';

/**
 * The page's own origin only: no inline script, nothing from the network, never framed. The
 * console reads only `/console/api/*` and posts only to `/cache/{provider}/{type}`.
 */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const asset = (body: string, type: string) => ({ body, type });
const ASSETS: Record<string, { body: string; type: string }> = {
  '/console': asset(CONSOLE_PAGE, 'text/html; charset=utf-8'),
  '/console/console.js': asset(CONSOLE_SCRIPT, 'text/javascript; charset=utf-8'),
  '/console/console.css': asset(CONSOLE_STYLE, 'text/css; charset=utf-8'),
};
const DESCRIPTIONS: Record<string, string> = {
  '/console': 'The operator console page (HTML). It reads the JSON under /console/api/ with the caller’s own headers, so it shows what the caller may READ.',
  '/console/console.js': 'The console’s script: plain JavaScript served by the service, no framework, nothing fetched from the network.',
  '/console/console.css': 'The console’s style sheet.',
};

/** `GET /console` and its script and style sheet, from string modules (so `dist/` needs no copied files). */
export function registerConsoleAssets(app: FastifyInstance): void {
  for (const [path, { body, type }] of Object.entries(ASSETS)) {
    app.get(path, { schema: { summary: `Console ${path === '/console' ? 'page' : path.slice('/console/'.length)}`, description: DESCRIPTIONS[path] ?? path, tags: ['console'] } }, async (_req, reply) =>
      reply.header('content-type', type).header('cache-control', 'no-cache').header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').send(body),
    );
  }
}
