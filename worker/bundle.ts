/**
 * Which workflow code a worker runs: the bundle prebuilt by `npm run build`
 * (dist/workflow-bundle.js, Temporal's recommended production setup: no webpack at
 * worker start, and every worker of a build runs byte-identical workflow code), or
 * with ORB_DEV_BUNDLE=1, a fresh bundle from the compiled workflow sources.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../common/input-error';

export const WORKFLOW_BUNDLE_PATH = path.resolve(__dirname, '..', 'workflow-bundle.js');

export type WorkflowCodeOption = { workflowBundle: { codePath: string } } | { workflowsPath: string };

export function workflowCode(env: NodeJS.ProcessEnv = process.env): WorkflowCodeOption {
  if (env.ORB_DEV_BUNDLE === '1') return { workflowsPath: require.resolve('../workflows') };
  if (!existsSync(WORKFLOW_BUNDLE_PATH)) {
    throw new InputError(
      'workflow bundle',
      `${WORKFLOW_BUNDLE_PATH} is missing: run \`npm run build\` (or set ORB_DEV_BUNDLE=1 to bundle at worker start)`,
    );
  }
  return { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } };
}
