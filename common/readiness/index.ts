/** Client readiness (AC, TAC, TAF, FAN, drain): pure judgement of services and their fixes. */
export { assessReadiness, assessService, type ServiceFacts } from './assess';
export {
  ATTRIBUTE_SPECS,
  SERVICE_ATTRIBUTES,
  checkedValue,
  type AttributeChanges,
  type AttributeValue,
  type ServiceAttribute,
} from './attributes';
export { buildFix, changesFrom, useAnotherService } from './fix';
export { parseReadinessInput, readinessCheckInputSchema, type ReadinessCheckInput } from './input-schema';
export { acchkPercent, summariseSessions } from './observed';
export { DEFAULT_PROFILE, PROFILE_NAMES, PROFILES, RECOMMENDED, type Profile } from './profiles';
export { judgeAttributes, protectionOf } from './rules';
export { srvctlModifyService } from './srvctl-modify';
export type {
  Finding,
  Management,
  PdbReadinessFacts,
  Protection,
  ReadinessFacts,
  ReadinessReport,
  RefusedFix,
  RuleId,
  ServiceChange,
  ServiceFix,
  ServiceReadiness,
  SessionSummary,
  Severity,
  UseAnotherService,
} from './types';
