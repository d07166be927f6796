// The demo's checkout (demo/checkout.ts) for the CLI tests, its database built once per test process for each calendar
// and copied into every checkout after that: building it took a third of a second of CPU in each test.
import { createHash } from 'node:crypto';
import { buildCheckout, createDatabase, type Checkout, type CheckoutOptions } from '../../demo/checkout.js';
import { fromTemplate } from '../support/database-templates.js';

export function buildTestCheckout(dir: string, options: CheckoutOptions = {}): Promise<Checkout> {
  return buildCheckout(dir, {
    createDatabase: (file, calendar) => {
      const key = createHash('sha256').update(JSON.stringify(calendar)).digest('hex').slice(0, 16);
      return fromTemplate(`demo-${key}`, file, (at) => createDatabase(at, calendar));
    },
    ...options,
  });
}
