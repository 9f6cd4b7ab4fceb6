/** Minimal types for `dynalite` 4 (it ships none): an in-memory DynamoDB on an `http.Server`. */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  /** Options of {@link dynalite}; times in ms (default 500) that tables stay CREATING etc. */
  export interface DynaliteOptions {
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    /** LevelDB directory; in memory when omitted. */
    path?: string;
    verbose?: boolean;
    debug?: boolean;
  }

  /** Creates (does not start) a dynalite server. */
  export default function dynalite(options?: DynaliteOptions): Server;
}
