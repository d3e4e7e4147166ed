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

/** orb's payload converter (common/payload-converter.ts): in the bundle and in the worker alike. */
export const PAYLOAD_CONVERTER_PATH = require.resolve('../common/payload-converter');

type DataConverterOption = { dataConverter: { payloadConverterPath: string } };
export type WorkflowCodeOption = ({ workflowBundle: { codePath: string } } | { workflowsPath: string }) & DataConverterOption;

export function workflowCode(env: NodeJS.ProcessEnv = process.env): WorkflowCodeOption {
  const dataConverter = { payloadConverterPath: PAYLOAD_CONVERTER_PATH };
  if (env.ORB_DEV_BUNDLE === '1') return { workflowsPath: require.resolve('../workflows'), dataConverter };
  if (!existsSync(WORKFLOW_BUNDLE_PATH)) {
    throw new InputError(
      'workflow bundle',
      `${WORKFLOW_BUNDLE_PATH} is missing: run \`npm run build\` (or set ORB_DEV_BUNDLE=1 to bundle at worker start)`,
    );
  }
  return { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH }, dataConverter };
}
