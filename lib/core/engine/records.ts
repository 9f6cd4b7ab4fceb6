/**
 * What the auditor remembers between events: the tag ledger and each repository's actual
 * configuration and drift. Plain data, so that the in-memory store, the `--state` file and the
 * DynamoDB table hold the same thing.
 *
 * @module
 */
import type { MutabilityConfig } from '../model/config.ts';
import type { Finding } from '../model/findings.ts';

/** How many earlier digests of a tag are remembered to recognise late duplicates. */
export const RECENT_DIGESTS = 8;

/** The ledger entry of one tag. */
export interface TagRecord {
  /** The digest the tag points at; for a tombstone, the digest it pointed at. */
  readonly digest: string;
  /** True when the tag was deleted (a tombstone). */
  readonly deleted: boolean;
  /** Event time of the last change. */
  readonly time: string;
  /** Earlier digests of this tag, newest first, at most {@link RECENT_DIGESTS}. */
  readonly recent: readonly string[];
  /** Id of the event that made the last change, so a redelivery of it can be recognised. */
  readonly eventId: string | null;
  /** When the last change moved the tag to other content: the digest it moved from. */
  readonly movedFrom: string | null;
  /** True when that move was a push after a delete. */
  readonly viaDelete: boolean;
  /**
   * When the version before this one began (null: none known). A late push older than it cannot
   * be the version just before the current one: it is an old duplicate, never a reveal.
   */
  readonly prevTime: string | null;
}

/** A drift episode: from the first non-equal configuration until it is equal again. */
export interface DriftRecord {
  /** Canonical text of the actual configuration reported in the episode. */
  readonly actualKey: string;
  /** Canonical text of the expected configuration it was compared with. */
  readonly expectedKey: string;
  /** When the episode started (null: already in the starting snapshot); part of its finding ids. */
  readonly since: string | null;
  /**
   * How often the actual configuration changed within the episode; part of its finding ids, so
   * that loosened, tightened and loosened again is a new finding each time.
   */
  readonly changes: number;
}

/** What is known of a repository or creation template. */
export interface ConfigRecord {
  /** The latest actual configuration, or null when none was seen yet. */
  readonly config: MutabilityConfig | null;
  /** Time of the event or snapshot that reported `config`. */
  readonly configTime: string | null;
  /** The open drift episode, or null. */
  readonly drift: DriftRecord | null;
  /** Id of the event that made the last change, so that a redelivery of it can be recognised. */
  readonly eventId: string | null;
  /** The finding that change produced, returned again on a redelivery (alerting may have failed). */
  readonly finding: Finding | null;
}

/** A record with nothing known. */
export const EMPTY_CONFIG_RECORD: ConfigRecord = {
  config: null,
  configTime: null,
  drift: null,
  eventId: null,
  finding: null,
};
