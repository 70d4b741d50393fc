-- Every service schema gets the same event plumbing: the outbox the relay publishes from, and
-- the record of consumed event ids that makes consumers idempotent.
CREATE TABLE ${flyway:defaultSchema}.outbox (
  id           bigserial PRIMARY KEY,
  event_id     uuid        NOT NULL UNIQUE,
  topic        text        NOT NULL,
  event_key    text        NOT NULL,
  event_type   text        NOT NULL,
  payload      bytea       NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX outbox_unpublished ON ${flyway:defaultSchema}.outbox (id) WHERE published_at IS NULL;

CREATE TABLE ${flyway:defaultSchema}.processed_events (
  consumer     text        NOT NULL,
  event_id     uuid        NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
