CREATE TABLE products (
  id           uuid PRIMARY KEY,
  seller_id    uuid        NOT NULL,
  name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description  text        NOT NULL DEFAULT '',
  category_id  uuid,
  price        bigint      NOT NULL CHECK (price >= 0),
  currency     text        NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
  status       text        NOT NULL CHECK (status IN ('draft', 'pending_review', 'active', 'archived')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  deleted_at   timestamptz
);
CREATE INDEX products_seller ON products (seller_id);

CREATE TABLE variants (
  sku          text PRIMARY KEY CHECK (length(sku) BETWEEN 1 AND 64),
  product_id   uuid        NOT NULL REFERENCES products (id),
  attributes   jsonb       NOT NULL DEFAULT '{}',
  price        bigint      CHECK (price >= 0),
  stock        integer     NOT NULL CHECK (stock >= 0),
  reserved     integer     NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= stock),
  position     integer     NOT NULL DEFAULT 0
);
CREATE INDEX variants_product ON variants (product_id);
