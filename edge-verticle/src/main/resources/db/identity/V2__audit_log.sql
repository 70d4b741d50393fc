-- The audit log: one row per sensitive act anywhere in the platform, projected from audit.events.
-- Rows are only ever inserted; the triggers below refuse every update, delete and truncate.
CREATE TABLE audit_log (
  id              uuid PRIMARY KEY,
  at              timestamptz NOT NULL,
  service         text        NOT NULL,
  actor_id        uuid,
  actor_role      text        NOT NULL,
  action          text        NOT NULL,
  target_type     text        NOT NULL,
  target_id       text        NOT NULL,
  before          jsonb,
  after           jsonb,
  request_id      text,
  client_address  text,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_newest ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_by_actor ON audit_log (actor_id, at DESC, id DESC);
CREATE INDEX audit_log_by_target ON audit_log (target_id, at DESC, id DESC);
CREATE INDEX audit_log_by_action ON audit_log (action, at DESC, id DESC);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP;
END
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
