-- Wakes the schema's outbox relay: it LISTENs on outbox_<schema>, and PostgreSQL delivers the NOTIFY only when the
-- inserting transaction commits (and only once per transaction for the same channel and payload).
CREATE FUNCTION ${flyway:defaultSchema}.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox_' || TG_TABLE_SCHEMA, '');
  RETURN NULL;
END
$$;

CREATE TRIGGER outbox_notify AFTER INSERT ON ${flyway:defaultSchema}.outbox
  FOR EACH STATEMENT EXECUTE FUNCTION ${flyway:defaultSchema}.outbox_notify();
