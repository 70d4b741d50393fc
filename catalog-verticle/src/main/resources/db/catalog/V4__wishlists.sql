CREATE TABLE wishlist_items (
  user_id     uuid        NOT NULL,
  product_id  uuid        NOT NULL REFERENCES products (id),
  added_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, product_id)
);
