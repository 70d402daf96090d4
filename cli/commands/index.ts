import type { CliCommand } from '../io.ts';

/**
 * COMMANDS maps each `cmp-ops <name>` to its module, loaded on demand. Each domain adds its own line here.
 * A module exports `run: CliCommand`.
 */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: CliCommand }> }> = {
  alert: { summary: 'alert send label=value… [--annotation k=v]: post an alert to alert-router', load: () => import('./alert.ts') },
};
