import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { INDEXES, TABLE_KEYS } from '#adapters/dynamodb/table';

type Item = Record<string, unknown>;

export interface CapacityReading {
  /** Write request units as DynamoDB on-demand bills them, GSI writes included. */
  readonly wru: number;
  /** Read request units (eventually consistent reads count half). */
  readonly rru: number;
  /** DynamoDB calls made, by command. */
  readonly calls: Record<string, number>;
}

const KB = 1024;

/** An attribute value's size by DynamoDB's rules (names and values in UTF-8 bytes, small overheads for numbers and documents). */
function valueSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') {
    const digits = String(value).replace(/^-|\.|e.*$/gi, '').replace(/^0+|0+$/g, '').length || 1;
    return Math.ceil(digits / 2) + 1;
  }
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return 3 + [...value].reduce((sum: number, v) => sum + valueSize(v) + 1, 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + valueSize(v) + 1, 0);
  return 3 + Object.entries(value as Item).reduce((sum, [k, v]) => (v === undefined ? sum : sum + Buffer.byteLength(k) + valueSize(v) + 1), 0);
}

export function itemSize(item: Item | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((sum, [k, v]) => (v === undefined ? sum : sum + Buffer.byteLength(k) + valueSize(v)), 0);
}

const writeUnits = (size: number) => Math.max(1, Math.ceil(size / KB));

/**
 * On-demand write units of changing `before` into `after` (either may be absent): the table pays for
 * the larger of the two, and every GSI the item is in pays its own writes; a GSI key that changes
 * costs a delete and a put (all our indexes project ALL attributes).
 */
export function writeCost(before: Item | undefined, after: Item | undefined): number {
  let units = writeUnits(Math.max(itemSize(before), itemSize(after)));
  for (const index of Object.values(INDEXES)) {
    const inBefore = before?.[index.pk] !== undefined && before?.[index.sk] !== undefined;
    const inAfter = after?.[index.pk] !== undefined && after?.[index.sk] !== undefined;
    if (inBefore && inAfter) {
      const moved = before![index.pk] !== after![index.pk] || before![index.sk] !== after![index.sk];
      units += moved ? writeUnits(itemSize(before)) + writeUnits(itemSize(after)) : writeUnits(itemSize(after));
    } else if (inBefore) units += writeUnits(itemSize(before));
    else if (inAfter) units += writeUnits(itemSize(after));
  }
  return units;
}

function readCost(bytes: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(bytes / (4 * KB)));
  return consistent ? units : units / 2;
}

/**
 * Meters what a DynamoDB document client would cost on AWS on-demand by wrapping its `send`: before
 * and after each write it reads the item (unmetered) to price the table and GSI writes; reads are
 * priced from the items they return. Only PutItem, UpdateItem, DeleteItem, GetItem and Query are
 * metered, which is all the request and audit repositories use.
 */
export class CapacityMeter {
  private wru = 0;
  private rru = 0;
  private calls: Record<string, number> = {};
  private readonly original: DynamoDBDocumentClient['send'];

  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {
    this.original = db.send.bind(db) as DynamoDBDocumentClient['send'];
    (db as { send: unknown }).send = (command: { constructor: { name: string }; input: Record<string, any> }, ...rest: unknown[]) =>
      this.metered(command, rest);
  }

  reading(): CapacityReading {
    return { wru: this.wru, rru: this.rru, calls: { ...this.calls } };
  }

  reset(): void {
    this.wru = 0;
    this.rru = 0;
    this.calls = {};
  }

  detach(): void {
    delete (this.db as { send?: unknown }).send;
  }

  private raw(key: Item): Promise<Item | undefined> {
    return (this.original as (c: unknown) => Promise<{ Item?: Item }>)(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })).then((r) => r.Item);
  }

  private async metered(command: { constructor: { name: string }; input: Record<string, any> }, rest: unknown[]): Promise<unknown> {
    const send = () => (this.original as (c: unknown, ...r: unknown[]) => Promise<any>)(command, ...rest);
    const name = command.constructor.name.replace(/Command$/, '');
    const input = command.input;
    this.calls[name] = (this.calls[name] ?? 0) + 1;
    switch (name) {
      case 'Put':
      case 'Update':
      case 'Delete': {
        const key = name === 'Put' ? { [TABLE_KEYS.partition]: input.Item[TABLE_KEYS.partition], [TABLE_KEYS.sort]: input.Item[TABLE_KEYS.sort] } : input.Key;
        const before = await this.raw(key);
        try {
          const result = await send();
          this.wru += writeCost(before, name === 'Delete' ? undefined : await this.raw(key));
          return result;
        } catch (error) {
          // A failed condition still costs the write, priced by the item that is there.
          if ((error as Error).name === 'ConditionalCheckFailedException') this.wru += writeUnits(itemSize(before));
          throw error;
        }
      }
      case 'Get': {
        const result = await send();
        // A projection does not make a read cheaper: it is priced by the whole item.
        const item = input.ProjectionExpression ? await this.raw(input.Key) : result.Item;
        this.rru += readCost(itemSize(item), input.ConsistentRead === true);
        return result;
      }
      case 'Query': {
        const result = await send();
        const bytes = (result.Items ?? []).reduce((sum: number, item: Item) => sum + itemSize(item), 0);
        this.rru += readCost(bytes, input.ConsistentRead === true);
        return result;
      }
      default:
        return send();
    }
  }
}
