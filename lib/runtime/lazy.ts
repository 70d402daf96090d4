/**
 * lazyObject stands in for an object that is built on first use: the first property read builds it. A function keeps
 * at cold start only what a request needs, e.g. the S3 client, whose library loads with the first object touched.
 */
export function lazyObject<T extends object>(build: () => T): T {
  let real: T | undefined;
  const target = (): T => (real ??= build());
  return new Proxy({} as T, {
    get: (_, key) => {
      const object = target();
      const value: unknown = Reflect.get(object, key, object);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
    has: (_, key) => Reflect.has(target(), key),
  });
}
