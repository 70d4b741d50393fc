-- A payment or refund Stripe reports that does not match what the order expects is kept as a mismatch, never
-- applied: what was reported ('payment' or 'refund'), what the order expected, and which of them differ.
ALTER TABLE ledger DROP CONSTRAINT ledger_kind_check;
ALTER TABLE ledger ADD CONSTRAINT ledger_kind_check
  CHECK (kind IN ('session_created', 'intent_created', 'succeeded', 'failed', 'expired', 'refunded', 'mismatch'));
ALTER TABLE ledger ADD COLUMN reported text CHECK (reported IN ('payment', 'refund'));
ALTER TABLE ledger ADD COLUMN expected_amount bigint;
ALTER TABLE ledger ADD COLUMN expected_currency text;
ALTER TABLE ledger ADD COLUMN mismatched text[];
ALTER TABLE ledger ADD CONSTRAINT ledger_mismatch_says_what CHECK ((kind = 'mismatch') = (reported IS NOT NULL AND mismatched IS NOT NULL));

-- Once per payment (a session's completion and its intent's success are one payment) and once per refund.
CREATE UNIQUE INDEX ledger_one_mismatch_per_payment ON ledger (stripe_intent) WHERE kind = 'mismatch' AND reported = 'payment';
CREATE UNIQUE INDEX ledger_one_mismatch_per_refund ON ledger (stripe_refund) WHERE kind = 'mismatch' AND reported = 'refund';
