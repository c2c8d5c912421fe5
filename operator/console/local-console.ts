/** The console on a local stack in this process (what `npm start` runs): its actions are the stack's own. */
import type { LocalStack } from '../../local/runtime/local-stack.ts';
import { createOperatorBackend } from '../backend/operator-backend.ts';
import { localTarget } from '../backend/target.ts';
import { startConsole } from './console-server.ts';

export async function startLocalConsole(stack: LocalStack, options: { port?: number } = {}) {
  const target = localTarget(stack);
  const backend = createOperatorBackend(target, { localActions: { redrive: () => stack.redrive(), refreshSkus: () => stack.refreshSkusNow() } });
  const server = await startConsole(backend, { ...(options.port ? { port: options.port } : {}) });
  return {
    url: server.url,
    target,
    backend,
    close: async () => {
      await server.close();
      backend.close();
    },
  };
}
