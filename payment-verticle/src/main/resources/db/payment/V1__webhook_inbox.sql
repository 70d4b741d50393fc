-- Every Stripe event we accepted, once per event id, whatever order Stripe delivers them in.
CREATE TABLE webhook_events (
  event_id      text PRIMARY KEY,
  event_type    text        NOT NULL,
  payload       jsonb       NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  processed_at  timestamptz
);
