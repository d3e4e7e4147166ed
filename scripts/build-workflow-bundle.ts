/**
 * Bundles the workflow code once, at build time (`npm run build`), into
 * dist/workflow-bundle.js. Workers load this prebuilt bundle (Temporal's production
 * setup) instead of running webpack at every start; ORB_DEV_BUNDLE=1 makes a worker
 * bundle from source instead (see worker/bundle.ts).
 */
import { writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

export const WORKFLOW_BUNDLE_PATH = path.resolve(__dirname, '..', 'workflow-bundle.js');

async function main(): Promise<void> {
  const started = Date.now();
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    // orb's converter turns undecodable signals and inputs into values the workflow refuses.
    payloadConverterPath: require.resolve('../common/payload-converter'),
    // Workflow log lines carry the run's runbook and target (workflows/log-interceptors.ts).
    workflowInterceptorModules: [require.resolve('../workflows/log-interceptors')],
    // webpack's own chatter is not interesting during a build; errors still throw.
    logger: {
      log: () => undefined,
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: (message: string, meta?: Record<string, unknown>) => console.warn(message, meta ?? ''),
      error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
    },
  });
  const tmp = `${WORKFLOW_BUNDLE_PATH}.${process.pid}.tmp`;
  await writeFile(tmp, code);
  await rename(tmp, WORKFLOW_BUNDLE_PATH);
  console.log(`workflow bundle: ${path.relative(process.cwd(), WORKFLOW_BUNDLE_PATH)} (${Math.round(code.length / 1024)} KiB, ${Date.now() - started} ms)`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`building the workflow bundle failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
