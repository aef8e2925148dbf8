import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { withFailureBoundary } from '../activities/failure-boundary';

export interface CreateWorkerOptions extends ActivityDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** A prebuilt workflow bundle (tests, production images); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Replaces some activities (workflow tests); the real ones are used for the others. */
  activities?: object;
  /** @default 20 */
  maxConcurrentActivityTaskExecutions?: number;
}

/** A worker that runs every glpi-bridge workflow and activity; `close` ends its GLPI sessions. */
export async function createWorker(
  options: CreateWorkerOptions,
): Promise<{ worker: Worker; close: () => Promise<void> }> {
  const real = createActivities(options);
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve('../workflows') }),
    // Replacements get the same failure boundary as the real activities.
    activities: { ...real.activities, ...withFailureBoundary((options.activities ?? {}) as never) },
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 20,
  });
  return { worker, close: real.close };
}
