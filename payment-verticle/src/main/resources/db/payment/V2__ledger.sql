-- The payment ledger: every attempt, success, failure and refund with Stripe's ids and amounts.
-- Rows are only ever added; a payment's state is read from its latest entries.
CREATE TABLE ledger (
  id               bigserial PRIMARY KEY,
  order_id         uuid        NOT NULL,
  kind             text        NOT NULL CHECK (kind IN ('session_created', 'succeeded', 'failed', 'expired', 'refunded')),
  amount           bigint      NOT NULL CHECK (amount >= 0),
  currency         text        NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
  stripe_session   text,
  stripe_intent    text,
  stripe_refund    text,
  stripe_event     text UNIQUE,
  recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_order ON ledger (order_id, id);
CREATE UNIQUE INDEX ledger_one_session_per_order ON ledger (order_id) WHERE kind = 'session_created';
CREATE FUNCTION ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the payment ledger is append-only: % refused', TG_OP;
END $$;
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger FOR EACH ROW EXECUTE FUNCTION ledger_is_append_only();
