-- Realtime fans stock alerts out to a seller's followers a keyset page at a time, in follower order.
DROP INDEX follows_seller;
CREATE INDEX follows_seller ON follows (seller_id, follower_id);
