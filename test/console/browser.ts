// Chromium for the console's browser tests: Debian's /usr/bin/chromium (scripts/install-test-peers.sh), driven by
// playwright-core without any browser download. The flags keep Chromium off the network it cannot reach here
// (without them its background connections are refused and it stalls).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** chromiumMissing is the reason to skip the browser tests, or undefined when Chromium is installed. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM)
    ? undefined
    : `${CHROMIUM} is absent (scripts/install-test-peers.sh installs Debian's chromium)`;
}

/**
 * launchChromium starts headless Chromium on an empty profile at 1280×720 (JavaScript off when asked); close() also
 * removes the profile.
 */
export async function launchChromium(
  options: { javaScriptEnabled?: boolean } = {},
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'cmp-ops-chromium-'));
  // the profile directory is the empty user-data-dir (Playwright passes it as --user-data-dir)
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 120_000,
    viewport: { width: 1280, height: 720 },
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** AxeViolation is one rule axe-core found broken, with its impact and how many nodes. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

const axeSource = (): string => createRequire(import.meta.url)('axe-core').source as string;

/** runAxe injects axe-core (from npm) into the page and returns the serious and critical violations (WCAG 2.x A/AA). */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  // evaluated through the DevTools protocol: the console's CSP (script-src 'self') would refuse an injected tag
  await page.evaluate(axeSource());
  const result = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(
            ctx: unknown,
            opts: unknown,
          ): Promise<{
            violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }>;
          }>;
        };
      }
    ).axe;
    const r = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
