-- One database can hold several launches: every row names the launch it belongs to.
CREATE TABLE launches (
  launch_id text PRIMARY KEY CHECK (launch_id <> ''),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The head of each record log. Every append locks its log's head row, so appends from any number
-- of console servers are applied one at a time and a position is never taken twice or skipped.
CREATE TABLE record_logs (
  launch_id text NOT NULL REFERENCES launches (launch_id),
  log text NOT NULL,
  last_position bigint NOT NULL DEFAULT 0 CHECK (last_position >= 0),
  PRIMARY KEY (launch_id, log)
);

-- Reviews, sampling sessions, kept calls, KPI history: one JSON record per row, in order.
CREATE TABLE records (
  launch_id text NOT NULL,
  log text NOT NULL CHECK (log <> 'audit'),
  position bigint NOT NULL CHECK (position >= 1),
  value jsonb NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (launch_id, log, position),
  FOREIGN KEY (launch_id, log) REFERENCES record_logs (launch_id, log)
);

-- The audit log: one hash-chained entry per row. seq is the chain's sequence, unique per launch;
-- rows are never changed or removed once written.
CREATE TABLE audit_entries (
  launch_id text NOT NULL REFERENCES launches (launch_id),
  seq bigint NOT NULL CHECK (seq >= 1),
  entry jsonb NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (launch_id, seq)
);

CREATE FUNCTION audit_entries_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit entries are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
  FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse_change();
CREATE TRIGGER audit_entries_never_truncated BEFORE TRUNCATE ON audit_entries
  FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_refuse_change();

-- Small documents rewritten whole: alert state, baselines, pending actions, replay marks.
CREATE TABLE documents (
  launch_id text NOT NULL REFERENCES launches (launch_id),
  name text NOT NULL,
  value jsonb NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (launch_id, name)
);

-- A document the console could not use, kept for a person to look at instead of being overwritten.
CREATE TABLE documents_set_aside (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  launch_id text NOT NULL REFERENCES launches (launch_id),
  name text NOT NULL,
  label text NOT NULL,
  value jsonb NOT NULL,
  written_at timestamptz NOT NULL,
  set_aside_at timestamptz NOT NULL DEFAULT now()
);

-- The console's settings (T0), one row per key.
CREATE TABLE settings (
  launch_id text NOT NULL REFERENCES launches (launch_id),
  key text NOT NULL,
  value jsonb NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (launch_id, key)
);
