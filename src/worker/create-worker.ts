import { setFlagsFromString } from 'node:v8';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { withActivityBoundary } from '../activities/activity-boundary';
import { workflowSource } from './workflow-bundle';

export interface CreateWorkerOptions extends ActivityDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /**
   * A workflow bundle (tests pass theirs). By default the one `npm run build` made (dist/workflow-bundle.js)
   * while it is fresh; otherwise the workflows are bundled at start.
   */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Replaces some activities (workflow tests); the real ones are used for the others. */
  activities?: object;
  /** @default 20 */
  maxConcurrentActivityTaskExecutions?: number;
}

/** Frames kept in a workflow's stack traces. */
const WORKFLOW_STACK_DEPTH = 4;

/** A worker that runs every glpi-bridge workflow and activity; `close` ends its GLPI sessions. */
export async function createWorker(
  options: CreateWorkerOptions,
): Promise<{ worker: Worker; close: () => Promise<void> }> {
  // The SDK captures a stack trace for every promise workflow code creates (for the stack-trace query):
  // with V8's default depth that was about 40 % of the worker's CPU in an alert storm. Workflow contexts
  // and threads are created after this and take the shorter depth; this thread's own errors keep theirs.
  setFlagsFromString(`--stack-trace-limit=${WORKFLOW_STACK_DEPTH}`);
  const real = createActivities({ metrics: Runtime.instance().metricMeter, ...options });
  // Replacements get the same failure boundary as the real activities.
  const replaced = withActivityBoundary(
    (options.activities ?? {}) as Parameters<typeof withActivityBoundary>[0],
  ) as object;
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...workflowSource(options.workflowBundle),
    activities: { ...real.activities, ...replaced },
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 20,
  });
  return { worker, close: real.close };
}
