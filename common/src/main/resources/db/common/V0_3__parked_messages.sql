-- Messages a consumer gave up on after its retries: kept with their error until an admin retries or discards them,
-- so one bad message never stops the others behind it. One row per consumer and event.
CREATE TABLE ${flyway:defaultSchema}.parked_messages (
  id               uuid        PRIMARY KEY,
  consumer         text        NOT NULL,
  source           text        NOT NULL,
  event_id         uuid        NOT NULL,
  event_type       text,
  key              text,
  payload          bytea       NOT NULL,
  attempts         integer     NOT NULL CHECK (attempts > 0),
  last_error       text        NOT NULL,
  first_failed_at  timestamptz NOT NULL,
  parked_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (consumer, event_id)
);
CREATE INDEX parked_messages_by_age ON ${flyway:defaultSchema}.parked_messages (first_failed_at, id);
