/**
 * The harness shared by the benchmark (bench/) and the fault suite (faults/): a local stack with each part
 * in its own process (Temporal dev server, GLPI emulator, the product's worker, the alert receiver), their
 * CPU and memory from /proc, load generators, and the invariants a run must keep.
 */
export * from './benchmarks-report';
export * from './cli-process';
export * from './cpu-profile';
export * from './emulator';
export * from './invariants';
export * from './load';
export * from './metrics';
export * from './ports';
export * from './proc-stats';
export * from './root';
export * from './stack';
export * from './temporal';
