/** subsystemResolver maps a bucket/key to its operations subsystem by the longest matching prefix of the map. */
export function subsystemResolver(map: Record<string, string>): (bucket: string, key: string) => string {
  const prefixes = Object.keys(map).sort((a, b) => b.length - a.length);
  return (bucket, key) => {
    const path = `${bucket}/${key}`;
    const hit = prefixes.find((prefix) => key.startsWith(prefix) || path.startsWith(prefix));
    return hit ? map[hit]! : 'unknown';
  };
}
