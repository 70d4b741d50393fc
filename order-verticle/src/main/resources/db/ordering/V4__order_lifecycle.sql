-- Who moved an order, each seller's shipment of their part, and what has been refunded.
ALTER TABLE order_status_history ADD COLUMN actor text NOT NULL DEFAULT 'system';
ALTER TABLE orders ADD COLUMN refunded bigint NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= total);

CREATE TABLE shipments (
  order_id         uuid        NOT NULL REFERENCES orders (id),
  seller_id        uuid        NOT NULL,
  carrier          text        NOT NULL,
  tracking_number  text        NOT NULL,
  shipped_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, seller_id)
);

CREATE INDEX order_items_of_seller ON order_items (seller_id, order_id);
CREATE INDEX orders_by_status ON orders (status, created_at DESC, id DESC);
CREATE INDEX orders_newest ON orders (created_at DESC, id DESC);

-- Each Stripe refund of an order's payment, once, however it became known (our refund call, or Stripe's webhook).
CREATE TABLE order_refunds (
  stripe_refund  text PRIMARY KEY,
  order_id       uuid        NOT NULL REFERENCES orders (id),
  amount         bigint      NOT NULL CHECK (amount > 0),
  recorded_at    timestamptz NOT NULL DEFAULT now()
);
