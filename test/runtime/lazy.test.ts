import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lazyObject } from '#lib/runtime/lazy.ts';

const test = suite('runtime/lazy');

class Counter {
  count = 0;
  add(n: number): number {
    this.count += n;
    return this.count;
  }
}

test('built on first use :: nothing is built until a property is read, then once, methods bound to it', () => {
  let builds = 0;
  const counter = lazyObject(() => {
    builds++;
    return new Counter();
  });
  assert.is(builds, 0);
  const add = counter.add;
  assert.is(add(2), 2);
  assert.is(counter.add(3), 5);
  assert.is(counter.count, 5);
  assert.ok('add' in counter);
  assert.is(builds, 1);
});

test('a failing build :: the error reaches the first use, and the next use tries again', () => {
  let attempts = 0;
  const store = lazyObject<Counter>(() => {
    attempts++;
    if (attempts === 1) throw new Error('bad endpoint');
    return new Counter();
  });
  assert.throws(() => store.add(1), /bad endpoint/);
  assert.is(store.add(1), 1);
});

test.run();
