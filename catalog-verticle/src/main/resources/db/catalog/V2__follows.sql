-- A customer following a seller's storefront; following twice is the same follow.
CREATE TABLE follows (
  follower_id  uuid        NOT NULL,
  seller_id    uuid        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (follower_id, seller_id)
);
CREATE INDEX follows_newest ON follows (follower_id, created_at DESC, seller_id DESC);
CREATE INDEX follows_seller ON follows (seller_id);
