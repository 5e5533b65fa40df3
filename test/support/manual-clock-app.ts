import { afterAll, beforeAll } from 'vitest';
import { startLocalApp, type LocalApp } from '#local/app';
import { recordDeliveries, type DeliveryLog } from './fault-injection.ts';
import { ManualClock } from './fixtures.ts';

export interface ManualClockApp {
  readonly clock: ManualClock;
  /** Started before the file's tests run; read it inside them. */
  readonly app: LocalApp;
  /** What the engine's SendTaskSuccess accepted and refused, recorded from the start. */
  readonly deliveries: DeliveryLog;
}

/**
 * One local stack for the test file, on a clock the tests move, with no timed sweeper (the tests run
 * each sweep themselves) and every delivery to the workflows recorded.
 */
export function localAppOnManualClock(): ManualClockApp {
  const clock = new ManualClock(new Date());
  let app: LocalApp | undefined;
  let deliveries: DeliveryLog | undefined;
  beforeAll(async () => {
    app = await startLocalApp({ sweepIntervalMs: 0, modules: [], clock });
    deliveries = recordDeliveries(app.engine);
  });
  afterAll(async () => {
    deliveries?.restore();
    await app?.close();
  });
  return {
    clock,
    get app() {
      if (!app) throw new Error('the local app starts in beforeAll: read it inside a test');
      return app;
    },
    get deliveries() {
      if (!deliveries) throw new Error('deliveries are recorded from beforeAll: read them inside a test');
      return deliveries;
    },
  };
}
