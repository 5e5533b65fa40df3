/**
 * A map bounded in entries and in total weight (e.g. characters of the keys), so a cache keyed by
 * user input (rule expressions, patterns) cannot grow with every new key nor with ever larger ones.
 * It drops the least recently used entries first, in two generations: new and recently read entries
 * go to the young one; when it is full, the old one is dropped and the young one becomes old. A hit
 * costs one Map lookup, which matters on the hot path of rule evaluation, where a strict LRU's
 * delete-and-reinsert per read would cost more than the rule.
 */
export class BoundedCache<K, V> {
  #young = new Map<K, V>();
  #old = new Map<K, V>();
  #youngWeight = 0;
  #oldWeight = 0;
  readonly #entriesPerGeneration: number;
  readonly #weightPerGeneration: number;

  /**
   * @param maxEntries at most this many entries (at least 2)
   * @param maxWeight at most this total `weigh(key)`; an entry heavier than half of it is not cached
   */
  constructor(
    readonly maxEntries: number,
    readonly maxWeight = Number.POSITIVE_INFINITY,
    private readonly weigh: (key: K) => number = () => 0,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 2) throw new RangeError(`maxEntries must be an integer of at least 2 (got ${maxEntries})`);
    this.#entriesPerGeneration = Math.floor(maxEntries / 2);
    this.#weightPerGeneration = maxWeight / 2;
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }

  get weight(): number {
    return this.#youngWeight + this.#oldWeight;
  }

  /** The cached value, kept as recently used; undefined when absent. */
  get(key: K): V | undefined {
    const young = this.#young.get(key);
    if (young !== undefined) return young;
    const old = this.#old.get(key);
    if (old === undefined) return undefined;
    this.#old.delete(key);
    this.#oldWeight -= this.weigh(key);
    this.#add(key, old);
    return old;
  }

  set(key: K, value: V): void {
    if (this.#young.has(key)) {
      this.#young.set(key, value);
      return;
    }
    if (this.#old.delete(key)) this.#oldWeight -= this.weigh(key);
    this.#add(key, value);
  }

  /** The cached value, or `create(key)` stored and returned. */
  getOrCreate(key: K, create: (key: K) => V): V {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const value = create(key);
    this.set(key, value);
    return value;
  }

  #add(key: K, value: V): void {
    const weight = this.weigh(key);
    if (weight > this.#weightPerGeneration) return;
    if (this.#young.size >= this.#entriesPerGeneration || this.#youngWeight + weight > this.#weightPerGeneration) {
      this.#old = this.#young;
      this.#oldWeight = this.#youngWeight;
      this.#young = new Map();
      this.#youngWeight = 0;
    }
    this.#young.set(key, value);
    this.#youngWeight += weight;
  }
}
