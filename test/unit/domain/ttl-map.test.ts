import { TtlMap } from '../../../src/domain/ttl-map';

describe('TtlMap', () => {
  it('gives a value back until its expiry, then never again', () => {
    const map = new TtlMap<string>(10);
    map.set('a', 'x', 100);
    expect(map.get('a', 99)).toBe('x');
    expect(map.get('a', 100)).toBeUndefined();
    expect(map.get('a', 50)).toBeUndefined();
  });

  it('drops the oldest entry when full, and a rewritten key counts as new', () => {
    const map = new TtlMap<number>(2);
    map.set('a', 1, 1000);
    map.set('b', 2, 1000);
    map.set('a', 3, 1000);
    map.set('c', 4, 1000);
    expect(map.get('b', 0)).toBeUndefined();
    expect(map.get('a', 0)).toBe(3);
    expect(map.get('c', 0)).toBe(4);
  });
});
