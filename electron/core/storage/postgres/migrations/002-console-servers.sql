-- What the instances of a team's console server tell one another. None of it is a record of the
-- launch: it is rebuilt within seconds after a crash, so the tables are unlogged (no WAL, no
-- flush per write) and may come back empty after one.

-- Each instance says it is alive every second; the leader is the one holding the advisory lock.
CREATE UNLOGGED TABLE console_instances (
  launch_id text NOT NULL,
  instance_id text NOT NULL,
  address text NOT NULL,
  is_leader boolean NOT NULL DEFAULT false,
  started_at timestamptz NOT NULL DEFAULT now(),
  seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (launch_id, instance_id)
);

-- One row per open window, written by the instance serving it.
CREATE UNLOGGED TABLE console_presence (
  connection_id text PRIMARY KEY,
  launch_id text NOT NULL,
  instance_id text NOT NULL,
  name text NOT NULL,
  role text NOT NULL,
  screen text NOT NULL,
  since bigint NOT NULL
);
CREATE INDEX console_presence_launch ON console_presence (launch_id);

-- The leader's newest snapshot of the launch, for the other instances' windows.
CREATE UNLOGGED TABLE console_snapshots (
  launch_id text PRIMARY KEY,
  instance_id text NOT NULL,
  seq bigint NOT NULL,
  snapshot text NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now()
);

-- A window's request made at another instance, run by the leader once (claimed_by), answered in result.
CREATE UNLOGGED TABLE console_requests (
  id uuid PRIMARY KEY,
  launch_id text NOT NULL,
  from_instance text NOT NULL,
  actor jsonb NOT NULL,
  channel text NOT NULL,
  request jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  claimed_by text,
  ok boolean,
  result text,
  done_at timestamptz
);
CREATE INDEX console_requests_launch ON console_requests (launch_id, created_at);
