package sqlite

// migrations is the schema history: migrations[i] takes the database from
// version i to i+1 (PRAGMA user_version). Append new steps; never edit a
// step that has shipped.
var migrations = []string{
	// 1: list versions, entries, designations, lists, the ties graph, links.
	`
CREATE TABLE versions (
	id        INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused, even if old versions are pruned
	dataset   TEXT NOT NULL CHECK (dataset <> ''),
	format    TEXT NOT NULL,
	hash      TEXT NOT NULL,
	loaded_at TEXT NOT NULL, -- RFC 3339, UTC
	data_date TEXT NOT NULL, -- YYYY, YYYY-MM, YYYY-MM-DD or ''
	origin    TEXT NOT NULL,
	rows      INTEGER NOT NULL
);
CREATE INDEX versions_dataset_hash ON versions (dataset, hash);

CREATE TABLE dataset_in_force (
	dataset    TEXT PRIMARY KEY,
	version_id INTEGER NOT NULL REFERENCES versions (id)
);

CREATE TABLE lists (
	id        TEXT PRIMARY KEY,
	name      TEXT NOT NULL,
	authority TEXT NOT NULL
);

-- One row per record, in load order; the entity is a binary blob (codec.go).
CREATE TABLE entries (
	version_id INTEGER NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
	seq        INTEGER NOT NULL,
	entity_id  TEXT NOT NULL,
	entity     BLOB NOT NULL,
	PRIMARY KEY (version_id, seq)
) WITHOUT ROWID;
CREATE INDEX entries_entity ON entries (entity_id, version_id);

CREATE TABLE designations (
	version_id     INTEGER NOT NULL,
	entry_seq      INTEGER NOT NULL,
	idx            INTEGER NOT NULL,
	entity_id      TEXT NOT NULL,
	list_id        TEXT NOT NULL REFERENCES lists (id),
	source_id      TEXT NOT NULL,
	start_date     TEXT NOT NULL,
	end_date       TEXT NOT NULL,
	authority      TEXT NOT NULL,
	program        TEXT NOT NULL,
	license_policy TEXT NOT NULL,
	source_url     TEXT NOT NULL,
	parent         TEXT NOT NULL,
	PRIMARY KEY (version_id, entry_seq, idx),
	FOREIGN KEY (version_id, entry_seq) REFERENCES entries (version_id, seq) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX designations_list ON designations (list_id, version_id);

-- Each PutGraph bumps put_seq, so when two sources define the same entity
-- id the latest put wins without the other source's row being lost.
CREATE TABLE graph_sources (
	source  TEXT PRIMARY KEY,
	put_seq INTEGER NOT NULL,
	put_at  TEXT NOT NULL
);

CREATE TABLE graph_entities (
	source TEXT NOT NULL REFERENCES graph_sources (source) ON DELETE CASCADE,
	id     TEXT NOT NULL,
	seq    INTEGER NOT NULL, -- order within the source
	entity BLOB NOT NULL,    -- binary (codec.go)
	PRIMARY KEY (source, id)
) WITHOUT ROWID;
CREATE INDEX graph_entities_id ON graph_entities (id);

CREATE TABLE graph_ties (
	source     TEXT NOT NULL REFERENCES graph_sources (source) ON DELETE CASCADE,
	seq        INTEGER NOT NULL,
	tie_id     TEXT NOT NULL,
	from_id    TEXT NOT NULL,
	to_id      TEXT NOT NULL,
	kind       TEXT NOT NULL,
	share      REAL NOT NULL,
	role       TEXT NOT NULL,
	via        TEXT NOT NULL,
	start_date TEXT NOT NULL,
	end_date   TEXT NOT NULL,
	evidence   BLOB NOT NULL, -- JSON ([]ties.Evidence)
	tie_source TEXT NOT NULL, -- ties.Tie.Source: file:line the tie came from
	PRIMARY KEY (source, seq)
) WITHOUT ROWID;
CREATE INDEX graph_ties_from ON graph_ties (from_id);
CREATE INDEX graph_ties_to ON graph_ties (to_id);

CREATE TABLE links (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	graph_id   TEXT NOT NULL,
	target_id  TEXT NOT NULL,
	method     TEXT NOT NULL,
	confidence REAL NOT NULL,
	status     TEXT NOT NULL CHECK (status IN ('proposed', 'confirmed', 'rejected')),
	reason     TEXT NOT NULL,
	UNIQUE (graph_id, target_id)
);
`,
	// 2: API tokens (hashed) and the audit trail (a hash chain).
	`
CREATE TABLE tokens (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	name       TEXT NOT NULL,
	role       TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
	hash       BLOB NOT NULL UNIQUE, -- sha256 of the secret; the secret is never stored
	created_at TEXT NOT NULL,
	revoked_at TEXT NOT NULL DEFAULT ''
);

CREATE TABLE audit (
	seq       INTEGER PRIMARY KEY, -- 1, 2, 3, ...: set by the appender, part of the hash
	at        TEXT NOT NULL,
	actor     TEXT NOT NULL,
	action    TEXT NOT NULL,
	query     TEXT NOT NULL,
	versions  TEXT NOT NULL, -- JSON array of version ids
	results   TEXT NOT NULL, -- compact JSON
	ref       INTEGER NOT NULL,
	decision  TEXT NOT NULL,
	note      TEXT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash      TEXT NOT NULL
);
CREATE INDEX audit_ref ON audit (ref) WHERE ref <> 0;
`,
	// 3: monitoring: watches, their alerts outbox, reviews, change sets.
	`
CREATE TABLE watches (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	kind         TEXT NOT NULL CHECK (kind IN ('org', 'roster')),
	label        TEXT NOT NULL,
	org          TEXT NOT NULL,
	roster       TEXT NOT NULL, -- JSON []ties.RosterName
	sink         TEXT NOT NULL,
	secret       TEXT NOT NULL, -- webhook HMAC key: needed in clear to sign
	created_at   TEXT NOT NULL,
	state        BLOB NOT NULL DEFAULT '', -- JSON, owned by package watch
	evaluated_at TEXT NOT NULL DEFAULT ''
);

CREATE TABLE alerts (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	watch_id     INTEGER NOT NULL, -- no foreign key: alerts outlive their watch
	sink         TEXT NOT NULL,
	body         BLOB NOT NULL,
	created_at   TEXT NOT NULL,
	attempts     INTEGER NOT NULL DEFAULT 0,
	next_attempt TEXT NOT NULL,
	delivered_at TEXT NOT NULL DEFAULT '',
	last_error   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alerts_pending ON alerts (next_attempt) WHERE delivered_at = '';

CREATE TABLE reviews (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	watch_id   INTEGER NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
	entity_id  TEXT NOT NULL,
	query      TEXT NOT NULL,
	decision   TEXT NOT NULL CHECK (decision IN ('false_positive', 'confirmed')),
	reason     TEXT NOT NULL,
	reviewer   TEXT NOT NULL,
	at         TEXT NOT NULL,
	expires    TEXT NOT NULL,
	entry_hash TEXT NOT NULL
);
CREATE INDEX reviews_watch ON reviews (watch_id, entity_id);

CREATE TABLE change_sets (
	version_id   INTEGER PRIMARY KEY REFERENCES versions (id) ON DELETE CASCADE,
	dataset      TEXT NOT NULL,
	from_version INTEGER NOT NULL,
	computed_at  TEXT NOT NULL,
	body         BLOB NOT NULL -- JSON ties.ChangeSet
);
`,
}
