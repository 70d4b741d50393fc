-- Every service schema gets the same event plumbing: the outbox the relay publishes from (a row
-- lives only until Kafka has it, so secrets in events do not rest here), and the record of
-- consumed event ids that makes consumers idempotent.
CREATE TABLE ${flyway:defaultSchema}.outbox (
  id           bigserial PRIMARY KEY,
  event_id     uuid        NOT NULL UNIQUE,
  topic        text        NOT NULL,
  event_key    text        NOT NULL,
  event_type   text        NOT NULL,
  payload      bytea       NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ${flyway:defaultSchema}.processed_events (
  consumer     text        NOT NULL,
  event_id     uuid        NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
