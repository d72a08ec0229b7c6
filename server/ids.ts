/** Prefixed random ids (`msg_…`, `sess_…`, `evt_…`), the Stripe way: the prefix says what it is. */
import { randomBase62 } from './store/keys';

export const newId = (prefix: string, length = 20) => `${prefix}_${randomBase62(length)}`;

/** Ids a client may choose (session ids, schedule ids): letters, digits, `_`, `-`, `.`, `:`. */
export const CLIENT_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$';
