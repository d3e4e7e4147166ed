/**
 * `srvctl modify service -db <db_unique_name> -service <service> -<option> <value> ...` as an
 * argument vector (no program path: the executor runs srvctl by its full path under the Grid or
 * database home). Option names and value spellings: attributes.ts, from Oracle's srvctl
 * reference. Every element is a validated name, a fixed option, or a checked value: nothing here
 * is free text. The executor still passes each element as one argument (quoted for the remote
 * shell): a service name may hold $ and # (common/identifiers.ts). Pure: safe in workflow code.
 */
import { identifierRule, serviceName } from '../identifiers';
import { checked } from '../validation';
import { ATTRIBUTE_SPECS, orderedChanges, type AttributeChanges } from './attributes';

/** srvctl's -db takes the DB_UNIQUE_NAME: a nonquoted identifier of at most 30 bytes. */
const dbUniqueName = identifierRule({ maxLength: 30 });

export function srvctlModifyService(db: string, service: string, changes: AttributeChanges): string[] {
  const argv = ['modify', 'service', '-db', checked('db', dbUniqueName, db), '-service', serviceName('service', service)];
  for (const [attribute, value] of orderedChanges(changes)) argv.push(ATTRIBUTE_SPECS[attribute].srvctl, String(value));
  return argv;
}
