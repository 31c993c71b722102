//# allFunctionsCalledOnLoad
// (Compiled whole as it loads, not on a save's first call: see scripts/build.sh.)
// The outbox's rules, pure (no IndexedDB, no network): what a new change does to the changes
// waiting for its record, how many records wait, what the server's answer means, and the
// request that sends a change. public/outbox.js applies them for the page and the service
// worker; tests/js/outbox-rules.test.mjs tests them (node --test) and `tsc --checkJs` checks
// their types (tsconfig.json). The route, methods and owner header come from the server.

/**
 * @typedef {'create' | 'update' | 'delete'} Kind
 * @typedef {{ status: number, body: unknown }} Refusal
 * @typedef {object} Operation  One change waiting in the outbox.
 * @property {number} [seq]  its place in the outbox, IndexedDB's key (none before it is added)
 * @property {string} id  the record's id
 * @property {string} owner  the conseiller who made it: sent only while the session is theirs
 * @property {Kind} kind
 * @property {object | null} body  the record as it will be; a delete's is the record it takes
 *   away, kept for the figures on the phone and never sent
 * @property {object | null} before  the server's version the change replaces (for the offline
 *   figures), never sent
 * @property {number} queuedAt  when it was made (ms since 1970, the phone's clock)
 * @property {boolean} attempted  a send was tried: the server may hold it
 * @property {boolean} inFlight  being sent right now: never merged into
 * @property {Refusal | null} error  the server's refusal, kept with its JSON body
 * @typedef {Operation & { seq: number }} Queued  A change already in the outbox.
 * @typedef {'done' | 'network' | 'login' | 'later' | 'refused'} Outcome
 */

/**
 * How the server takes a change: its `CONTRACT`, written by the server from `src/wire.rs`
 * (`/contract.js`, `/precache-manifest.js`); the rules receive it rather than repeat it.
 * @typedef {{ RECORDS_PATH: string, OWNER_HEADER: string, METHODS: Record<Kind, string> }} Contract
 */

/**
 * What queuing `fresh` does to the changes of its record waiting in the outbox (`queued`, in
 * `seq` order), merged with them when that loses nothing:
 * - a create never sent, then an update: the create carries the new body;
 * - a create never sent, then a delete: both vanish (the server never knew the record);
 * - an update not being sent, then an update: the last body wins (PUT replaces everything);
 * - anything being sent (or a create the server may hold): the new change waits behind it.
 * A merged update keeps the `before` of the first (the server's version); a delete takes it
 * from the update it replaces.
 * @param {Queued[]} queued
 * @param {Operation} fresh
 * @returns {{ remove: number[], put: Operation | null, add: Operation | null }}
 */
export function merge(queued, fresh) {
  const idle = queued.filter((op) => !op.inFlight);
  const last = queued[queued.length - 1];
  const before = queued.find((op) => op.before)?.before ?? fresh.before ?? null;
  const change = { ...fresh, before };
  if (fresh.kind === 'delete') {
    const unknownToServer = queued.length > 0
      && queued.every((op) => !op.inFlight && !op.attempted)
      && queued[0].kind === 'create';
    return { remove: idle.map((op) => op.seq), put: null, add: unknownToServer ? null : change };
  }
  const mergeable = last && !last.inFlight && last.kind !== 'delete'
    && (last.kind === 'update' || !last.attempted);
  if (mergeable) return { remove: [], put: { ...last, body: fresh.body, error: null }, add: null };
  return { remove: [], put: null, add: fresh.kind === 'create' && last ? { ...change, kind: 'update' } : change };
}

/**
 * How many records wait to be sent: one per record, whatever the changes queued for it; a
 * record deleted on the phone does not count, though its deletion may still have to go.
 * @param {Operation[]} ops
 */
export function waitingRecords(ops) {
  const latest = new Map();
  for (const op of ops) if (!latest.get(op.id)?.error) latest.set(op.id, op);
  return [...latest.values()].filter((op) => op.kind !== 'delete').length;
}

/**
 * What the answer to `op` means:
 * - 'done': the server holds the change (or, for a delete, the record is gone);
 * - 'network': not an answer of Conum's server (nothing, a timeout, a portal): stop for now;
 * - 'login': the session is over (or belongs to someone else): seal and stop;
 * - 'later': the server cannot take it now (5xx, or 429: the day's quota): keep it, go on
 *   with other records;
 * - 'refused': the server refused this change; keep it with the server's error.
 * @param {Operation} op
 * @param {number} status
 * @param {any} body  the answer's JSON, if it was JSON
 * @returns {Outcome}
 */
export function classify(op, status, body) {
  const ours = body && typeof body === 'object';
  if (status >= 200 && status < 300) {
    return ours && body.id === op.id ? 'done' : 'network';
  }
  const kind = ours ? body.data?.kind : undefined;
  if (typeof kind !== 'string') return 'network';
  if (status === 401) return 'login';
  if (op.kind === 'delete' && status === 404 && kind === 'not_found') return 'done';
  if (status >= 500 || status === 429) return 'later';
  return 'refused';
}

/**
 * The request that sends `op`, by the server's `contract`.
 * @param {Operation} op
 * @param {Contract} contract
 * @returns {{ url: string, method: string, headers: Record<string, string>, body: string | undefined }}
 */
export function request(op, contract) {
  const path = contract.RECORDS_PATH;
  return {
    url: op.kind === 'create' ? path : `${path}/${op.id}`,
    method: contract.METHODS[op.kind],
    headers: { 'content-type': 'application/json', [contract.OWNER_HEADER]: op.owner },
    // A delete's body (the record it takes away) only serves the figures on the phone.
    body: op.body && op.kind !== 'delete' ? JSON.stringify(op.body) : undefined,
  };
}
