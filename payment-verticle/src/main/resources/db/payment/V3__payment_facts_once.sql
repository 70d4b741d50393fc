-- A PaymentIntent made for a custom front end is recorded too, and a decline keeps Stripe's message.
ALTER TABLE ledger DROP CONSTRAINT ledger_kind_check;
ALTER TABLE ledger ADD CONSTRAINT ledger_kind_check
  CHECK (kind IN ('session_created', 'intent_created', 'succeeded', 'failed', 'expired', 'refunded'));
ALTER TABLE ledger ADD COLUMN failure_reason text;

-- Each fact once, whichever way it was learned (a webhook, or re-reading Stripe): a checkout payment
-- raises both checkout.session.completed and payment_intent.succeeded, so success is once per intent.
CREATE UNIQUE INDEX ledger_one_success_per_intent ON ledger (stripe_intent) WHERE kind = 'succeeded';
CREATE UNIQUE INDEX ledger_one_expiry_per_session ON ledger (stripe_session) WHERE kind = 'expired';
CREATE UNIQUE INDEX ledger_one_entry_per_refund ON ledger (stripe_refund) WHERE kind = 'refunded';
CREATE UNIQUE INDEX ledger_one_entry_per_intent_created ON ledger (stripe_intent) WHERE kind = 'intent_created';
CREATE INDEX ledger_intent ON ledger (stripe_intent) WHERE stripe_intent IS NOT NULL;

-- What the inbox processor still has to apply.
CREATE INDEX webhook_events_unprocessed ON webhook_events (received_at) WHERE processed_at IS NULL;
