-- Admin reports find the orders that reached a status (paid) inside a window.
CREATE INDEX order_status_history_reached ON order_status_history (status, at);
