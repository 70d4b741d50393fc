-- Two payment providers: Stripe and PayPal. A webhook event is its provider's (event ids are unique per provider
-- only), and a ledger entry names the provider of its order's checkout. For PayPal the stripe_* columns hold PayPal's
-- ids: stripe_session the PayPal order, stripe_intent its capture, stripe_refund the refund, stripe_event the event.
ALTER TABLE webhook_events ADD COLUMN provider text NOT NULL DEFAULT 'stripe' CHECK (provider IN ('stripe', 'paypal'));
ALTER TABLE webhook_events DROP CONSTRAINT webhook_events_pkey;
ALTER TABLE webhook_events ADD PRIMARY KEY (provider, event_id);

ALTER TABLE ledger ADD COLUMN provider text NOT NULL DEFAULT 'stripe' CHECK (provider IN ('stripe', 'paypal'));
CREATE INDEX ledger_session ON ledger (stripe_session) WHERE kind = 'session_created';
