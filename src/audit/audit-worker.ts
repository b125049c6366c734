/**
 * Worker-thread entry for `audit --jobs N`: runs the tasks the main thread sends, one at a time,
 * and answers each with its result. `null` asks it to free its sandboxes and finish.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { auditTaskRunner, type AuditTask, type AuditTaskOptions } from './audit-task.js';

const port = parentPort;
if (port === null) throw new Error('audit-worker.js runs only as a worker thread');
const runner = auditTaskRunner(workerData as AuditTaskOptions);
// The main thread keeps a second task queued here; tasks still run one at a time, in the order sent,
// so a worker holds one package's data at once.
let queue: Promise<void> = Promise.resolve();
port.on('message', (task: AuditTask | null) => {
  queue = queue.then(async () => {
    if (task === null) {
      runner.dispose();
      port.close();
      return;
    }
    port.postMessage(await runner.run(task));
  });
});
