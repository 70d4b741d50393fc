-- Order moves that call other services (a payment, a cancellation, a refund), each kept here from the moment it is asked
-- for until the transaction that records its outcome deletes it. One order's moves run one at a time, oldest first; a move
-- whose process died is taken over when its lease ends, and run again from the start (every call it makes is idempotent).
CREATE TABLE order_steps (
  id               bigserial   PRIMARY KEY,
  order_id         uuid        NOT NULL,
  kind             text        NOT NULL CHECK (kind IN ('paid', 'cancel', 'mismatch', 'cancel_order', 'refund')),
  args             jsonb       NOT NULL,
  request_id       text        NOT NULL,
  attempts         integer     NOT NULL DEFAULT 0,
  run_after        timestamptz NOT NULL DEFAULT now(),
  lease_until      timestamptz,
  last_error       text,
  first_failed_at  timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_steps_of_order ON order_steps (order_id, id);
