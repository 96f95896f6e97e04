export type HealthStatus = 'UP' | 'DOWN';

export interface ComponentHealth {
  readonly status: HealthStatus;
  readonly details?: Record<string, unknown>;
}

/** One named component of `/health` (a store, the accounts, a provider). */
export interface HealthIndicator {
  readonly name: string;
  check(): Promise<ComponentHealth>;
}

export interface HealthReport {
  readonly status: HealthStatus;
  readonly components: Record<string, ComponentHealth>;
}

/**
 * Runs every indicator with a time limit (a hung dependency reads as DOWN, not as a hung
 * `/health`); the service is UP only when every component is.
 */
export async function checkHealth(indicators: readonly HealthIndicator[], timeoutMs = 2_000): Promise<HealthReport> {
  const results = await Promise.all(
    indicators.map(async (ind): Promise<[string, ComponentHealth]> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<ComponentHealth>((resolve) => {
        timer = setTimeout(() => resolve({ status: 'DOWN', details: { error: `no answer within ${timeoutMs} ms` } }), timeoutMs);
      });
      try {
        return [ind.name, await Promise.race([ind.check(), timeout])];
      } catch (err) {
        return [ind.name, { status: 'DOWN', details: { error: err instanceof Error ? err.message : String(err) } }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const components = Object.fromEntries(results);
  return { status: results.every(([, h]) => h.status === 'UP') ? 'UP' : 'DOWN', components };
}
