-- A committed reservation whose order was cancelled or refunded after payment: its stock is back on sale.
ALTER TABLE reservations DROP CONSTRAINT reservations_status_check;
ALTER TABLE reservations ADD CONSTRAINT reservations_status_check CHECK (status IN ('held', 'committed', 'released', 'returned'));
