-- An event that fails to apply is tried again later, each time later still, and after EVENT_RETRY_ATTEMPTS parked
-- (parked_at set, a copy in parked_messages for admins) so the sweep no longer picks it up.
ALTER TABLE webhook_events
  ADD COLUMN attempts        integer     NOT NULL DEFAULT 0,
  ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN first_failed_at timestamptz,
  ADD COLUMN last_error      text,
  ADD COLUMN parked_at       timestamptz;
