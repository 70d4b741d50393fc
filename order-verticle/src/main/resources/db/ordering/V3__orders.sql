-- Orders: a price snapshot of what was bought, where it ships, and where its payment stands.
CREATE TABLE orders (
  id                   uuid PRIMARY KEY,
  customer_id          uuid        NOT NULL,
  status               text        NOT NULL CHECK (status IN ('pending_payment', 'paid', 'processing', 'shipped', 'delivered', 'cancelled', 'refunded')),
  payment_status       text        NOT NULL DEFAULT 'awaiting' CHECK (payment_status IN ('awaiting', 'paid', 'failed', 'expired', 'cancelled', 'refunded')),
  currency             text        NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
  subtotal             bigint      NOT NULL CHECK (subtotal >= 0),
  discount             bigint      NOT NULL CHECK (discount >= 0 AND discount <= subtotal),
  shipping             bigint      NOT NULL CHECK (shipping >= 0),
  tax                  bigint      NOT NULL CHECK (tax >= 0),
  total                bigint      NOT NULL CHECK (total = subtotal - discount + shipping + tax),
  discount_id          uuid REFERENCES discounts (id),
  discount_code        text,
  shipping_address     jsonb       NOT NULL,
  success_url          text        NOT NULL,
  cancel_url           text        NOT NULL,
  checkout_session_id  text UNIQUE,
  checkout_url         text,
  payment_intent_id    text,
  pay_by               timestamptz NOT NULL,  -- when the checkout session expires
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_of_customer ON orders (customer_id, created_at DESC, id DESC);
-- the sweeper's work: orders still waiting for payment
CREATE INDEX orders_awaiting_payment ON orders (updated_at) WHERE status = 'pending_payment';

CREATE TABLE order_items (
  order_id    uuid    NOT NULL REFERENCES orders (id),
  line        integer NOT NULL,
  product_id  uuid    NOT NULL,
  sku         text    NOT NULL,
  name        text    NOT NULL,
  seller_id   uuid,
  unit_price  bigint  NOT NULL CHECK (unit_price >= 0),
  quantity    integer NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (order_id, line)
);

CREATE TABLE order_status_history (
  id        bigserial PRIMARY KEY,
  order_id  uuid        NOT NULL REFERENCES orders (id),
  status    text        NOT NULL,
  reason    text,
  at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_status_history_of_order ON order_status_history (order_id, id);

-- Idempotency-Key of POST /checkout and POST /payments/intents: the first answer, kept 24 h.
CREATE TABLE idempotency_keys (
  customer_id   uuid        NOT NULL,
  operation     text        NOT NULL,
  key           text        NOT NULL,
  fingerprint   bytea       NOT NULL,         -- SHA-256 of the request, to tell another body under the same key
  state         text        NOT NULL CHECK (state IN ('running', 'done')),
  locked_until  timestamptz NOT NULL,         -- a running request past this is presumed dead and may be taken over
  order_id      uuid,
  response      bytea,                        -- the answer (a protobuf message) when it succeeded
  problem       jsonb,                        -- the answer when it was a final refusal (e.g. out of stock)
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (customer_id, operation, key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);
