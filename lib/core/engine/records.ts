/**
 * What the auditor remembers between events: the tag ledger and each repository's actual
 * configuration and drift. Plain data, so that the in-memory store, the `--state` file and the
 * DynamoDB table hold the same thing.
 *
 * @module
 */
import type { MutabilityConfig } from '../model/config.ts';
import type { Finding } from '../model/findings.ts';

/** How many entries a tag's history keeps; older ones are dropped and the floor rises. */
export const TAG_HISTORY_LIMIT = 12;

/**
 * How many repeats a run of one content keeps — pushes of the content the tag already held, with
 * a push of it on both sides: the most recent ones, where a late version is likeliest to land.
 * A version arriving between two of them makes the second a move back; one arriving where an
 * older repeat was forgotten is merged with its neighbour (docs/ledger.md#tag-history).
 */
export const TAG_REPEATS_LIMIT = 2;

/**
 * The move that superseded a version of a tag, as the ledger recorded (and alerted) it: stored on
 * the version's first entry, so that each version is reported superseded once, and the finding can
 * be made again, identical, for a redelivery or a scan's re-check.
 */
export interface TagMove {
  /** The digest the tag moved to. */
  readonly to: string;
  /**
   * When the version superseded began, as known when the move was recorded: part of the finding
   * id, so that two versions with the same content never share an alert.
   */
  readonly since: string;
  /** When: the time of the first entry of the version moved to. */
  readonly time: string;
  /** The event of that entry (null: a scan). */
  readonly eventId: string | null;
  /** A delete came between the two versions. */
  readonly viaDelete: boolean;
  /** The observation whose write recorded the move: an event id, or null for a scan. */
  readonly by: string | null;
}

/** One thing the ledger knows happened to a tag. */
export interface TagEntry {
  /** `push`: the tag pointed at `digest` from `time` on (a push, or a scan that saw it). `delete`: the tag was deleted at `time`. */
  readonly kind: 'push' | 'delete';
  /** The digest pushed; for a delete, the digest deleted when the source names it, else null. */
  readonly digest: string | null;
  /** Event time (canonical UTC); for a scan, when it began listing the repository. */
  readonly time: string;
  /** The event that reported it first (null: a scan), to recognise its redelivery. */
  readonly eventId: string | null;
  /** Set on the first entry of a version once a later version superseded it. */
  readonly superseded: TagMove | null;
}

/**
 * The ledger entry of one tag: what happened to it, in time order, whatever order the events
 * arrived in (docs/ledger.md).
 */
export interface TagRecord {
  /** Oldest first, at most {@link TAG_HISTORY_LIMIT}. */
  readonly entries: readonly TagEntry[];
  /**
   * Nothing older than this is known: entries dropped from a full history, or a repository
   * delete. Observations older than the floor are ignored. Null: nothing was dropped.
   */
  readonly floor: string | null;
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
