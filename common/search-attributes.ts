import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * orb's custom search attributes. `orb dev` registers them on the dev server
 * (`--search-attribute Name=Type`); on a cluster or Temporal Cloud register them once with
 * `temporal operator search-attribute create` (README).
 */
export const OrbRunbook = defineSearchAttributeKey('OrbRunbook', SearchAttributeType.KEYWORD);
export const OrbPdb = defineSearchAttributeKey('OrbPdb', SearchAttributeType.KEYWORD);
export const OrbSourceCdb = defineSearchAttributeKey('OrbSourceCdb', SearchAttributeType.KEYWORD);
export const OrbTargetCdb = defineSearchAttributeKey('OrbTargetCdb', SearchAttributeType.KEYWORD);
/** The Autonomous Database (estate name) a switchover-adb / failover-adb / propagate-wallet run is about */
export const OrbDatabase = defineSearchAttributeKey('OrbDatabase', SearchAttributeType.KEYWORD);
export const OrbStage = defineSearchAttributeKey('OrbStage', SearchAttributeType.KEYWORD);
export const OrbAwaitingApproval = defineSearchAttributeKey('OrbAwaitingApproval', SearchAttributeType.BOOL);

export const ALL_SEARCH_ATTRIBUTES = [OrbRunbook, OrbPdb, OrbSourceCdb, OrbTargetCdb, OrbDatabase, OrbStage, OrbAwaitingApproval];
