import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, type CliIO } from './io.ts';

/** invokeToken is $CMP_OPS_INVOKE_TOKEN, or the local stack's `.data/invoke-token`. */
export function invokeToken(io: CliIO): string {
  let token = io.env.CMP_OPS_INVOKE_TOKEN;
  if (!token) {
    try {
      token = readFileSync(join(io.cwd, '.data', 'invoke-token'), 'utf8').trim();
    } catch {
      token = undefined;
    }
  }
  if (!token)
    throw new UsageError('no invoke token: set CMP_OPS_INVOKE_TOKEN (the local stack writes it to .data/invoke-token)');
  return token;
}

/** gatewayUrl is --gateway, $GATEWAY_URL, or the local stack's gateway. */
export function gatewayUrl(flags: Map<string, string[]>, io: CliIO): string {
  return flags.get('gateway')?.at(-1) ?? io.env.GATEWAY_URL ?? 'http://127.0.0.1:8080';
}
