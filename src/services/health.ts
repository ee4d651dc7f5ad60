import type { Store, StoreStats } from '../store/store.js';

// What the operator endpoints need to know of the store, without the HTTP layer touching it.
export class HealthService {
  constructor(private readonly store: Store) {}

  get engine(): 'sqlite' | 'postgres' {
    return this.store.caps.engine;
  }

  get stats(): StoreStats {
    return this.store.stats;
  }

  /** Resolves when the database answers a trivial query. @raises Unavailable */
  async ready(): Promise<void> {
    await this.store.read((ex) => ex.selectFrom('domains').select('id').limit(1).execute());
  }
}
