CREATE TABLE carts (
  id             uuid PRIMARY KEY,
  user_id        uuid UNIQUE,
  guest_token    bytea UNIQUE,            -- SHA-256 of the X-Cart-Token a guest holds
  currency       text        NOT NULL DEFAULT 'usd' CHECK (currency ~ '^[a-z]{3}$'),
  discount_code  text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((user_id IS NULL) <> (guest_token IS NULL))
);

CREATE TABLE cart_items (
  id          uuid PRIMARY KEY,
  cart_id     uuid        NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
  product_id  uuid        NOT NULL,
  sku         text        NOT NULL,
  name        text        NOT NULL,
  unit_price  bigint      NOT NULL CHECK (unit_price >= 0),
  quantity    integer     NOT NULL CHECK (quantity > 0),
  added_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (cart_id, sku)
);
