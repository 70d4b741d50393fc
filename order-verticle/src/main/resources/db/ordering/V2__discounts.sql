-- Discount codes (admin-managed). uses counts redemptions; checkout takes one with a conditional update.
CREATE TABLE discounts (
  id              uuid PRIMARY KEY,
  code            text        NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{1,39}$'),
  type            text        NOT NULL CHECK (type IN ('percent', 'fixed')),
  value           bigint      NOT NULL CHECK (value > 0 AND (type = 'fixed' OR value <= 100)),
  currency        text        NOT NULL DEFAULT 'usd' CHECK (currency ~ '^[a-z]{3}$'),
  min_subtotal    bigint      NOT NULL DEFAULT 0 CHECK (min_subtotal >= 0),
  starts_at       timestamptz,
  ends_at         timestamptz CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at),
  max_uses        integer     CHECK (max_uses > 0),
  per_user_limit  integer     CHECK (per_user_limit > 0),
  uses            integer     NOT NULL DEFAULT 0 CHECK (uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at      timestamptz
);
CREATE UNIQUE INDEX discounts_live_code ON discounts (code) WHERE deleted_at IS NULL;

CREATE TABLE discount_redemptions (
  discount_id  uuid        NOT NULL REFERENCES discounts (id),
  order_id     uuid        NOT NULL,
  user_id      uuid        NOT NULL,
  redeemed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (discount_id, order_id)
);
CREATE INDEX discount_redemptions_user ON discount_redemptions (discount_id, user_id);
