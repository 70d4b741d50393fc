-- Stock held for an order while it is paid for; variants.reserved is the sum of the held items.
CREATE TABLE reservations (
  order_id    uuid PRIMARY KEY,
  status      text        NOT NULL CHECK (status IN ('held', 'committed', 'released')),
  expires_at  timestamptz NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reservations_expiring ON reservations (expires_at) WHERE status = 'held';

CREATE TABLE reservation_items (
  order_id  uuid    NOT NULL REFERENCES reservations (order_id),
  sku       text    NOT NULL REFERENCES variants (sku),
  quantity  integer NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (order_id, sku)
);
