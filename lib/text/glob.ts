/** GlobOptions say how a glob compares: NetBackup client and policy names are host-like and compare ignoring case. */
export interface GlobOptions {
  ignoreCase?: boolean;
}

/** globToRegExp turns a glob (`*` any run of characters, `?` one character, anything else literal) into an anchored pattern. */
export function globToRegExp(glob: string, options: GlobOptions = {}): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, options.ignoreCase ? 'i' : '');
}
