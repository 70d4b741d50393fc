-- What customers bought, learnt from the ordering service's OrderPaid events: verified reviews and recommendations.
CREATE TABLE purchases (
  order_id      uuid        NOT NULL,
  product_id    uuid        NOT NULL,
  user_id       uuid        NOT NULL,
  quantity      integer     NOT NULL CHECK (quantity > 0),
  purchased_at  timestamptz NOT NULL,
  PRIMARY KEY (order_id, product_id)
);
CREATE INDEX purchases_user ON purchases (user_id, product_id);

ALTER TABLE products ADD COLUMN units_sold bigint NOT NULL DEFAULT 0 CHECK (units_sold >= 0);
CREATE INDEX products_public_popular ON products (units_sold DESC, rating_average DESC, id DESC)
  WHERE status = 'active' AND deleted_at IS NULL;

CREATE TABLE reviews (
  id                 uuid PRIMARY KEY,
  product_id         uuid        NOT NULL REFERENCES products (id),
  user_id            uuid        NOT NULL,
  rating             smallint    NOT NULL CHECK (rating BETWEEN 1 AND 5),
  title              text        CHECK (length(title) <= 200),
  body               text        NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
  verified_purchase  boolean     NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (product_id, user_id)
);
CREATE INDEX reviews_product_newest ON reviews (product_id, created_at DESC, id DESC);
