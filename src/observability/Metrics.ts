import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { processHeapSettler } from '../core/memory/HeapSettler.js';

/**
 * How often the event-loop delay histogram behind `nodejs_eventloop_lag_*` samples (prom-client's
 * default is 10 ms). Each sample wakes the event loop; at 10 ms that alone cost ~0.5 % of a core
 * on an idle service (docs/benchmarks.md §18). A stall still shows: it delays the next sample.
 */
const EVENT_LOOP_SAMPLE_MS = 100;

/**
 * The service's Prometheus metrics, on a registry of its own (no global state), served at
 * `GET /metrics`. Names follow Prometheus conventions; labels are low-cardinality.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly agentRuns = new Counter({
    name: 'clouddriver_agent_runs_total',
    help: 'Caching agent runs by provider and outcome',
    labelNames: ['provider', 'success'],
    registers: [this.registry],
  });
  readonly agentDuration = new Histogram({
    name: 'clouddriver_agent_run_duration_seconds',
    help: 'Caching agent run duration',
    labelNames: ['provider', 'success'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [this.registry],
  });
  readonly cacheWrites = new Counter({
    name: 'clouddriver_cache_items_written_total',
    help: 'Cache items written by caching agents',
    labelNames: ['provider'],
    registers: [this.registry],
  });
  readonly cacheEvictions = new Counter({
    name: 'clouddriver_cache_items_evicted_total',
    help: 'Cache items evicted after caching agent runs',
    labelNames: ['provider'],
    registers: [this.registry],
  });
  readonly tasks = new Counter({
    name: 'clouddriver_tasks_total',
    help: 'Finished orchestration tasks by cloud provider and final state',
    labelNames: ['cloudProvider', 'state'],
    registers: [this.registry],
  });
  readonly validationErrors = new Counter({
    name: 'clouddriver_operation_validation_errors_total',
    help: 'Operation requests rejected by validation',
    labelNames: ['cloudProvider'],
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'clouddriver_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });

  readonly heapSettles = new Gauge({
    name: 'clouddriver_heap_settle_collections',
    help: 'Full garbage collections run after bulk cache loads went quiet (HeapSettler)',
    registers: [this.registry],
    collect() {
      this.set(processHeapSettler.collections);
    },
  });

  readonly heapSettlesSkipped = new Gauge({
    name: 'clouddriver_heap_settle_skipped',
    help: 'Collections HeapSettler did not run because the heap was over its limit (left to V8)',
    registers: [this.registry],
    collect() {
      this.set(processHeapSettler.skipped);
    },
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  }
}
