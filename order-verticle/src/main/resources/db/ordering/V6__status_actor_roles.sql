-- The role each move of an order was made in: buyers and sellers are shown it instead of the mover's id.
ALTER TABLE order_status_history ADD COLUMN actor_role text;

-- moves recorded before: told from who made them (only the platform, the buyer, a seller shipping or an admin move orders)
UPDATE order_status_history h SET actor_role = CASE
    WHEN h.actor = 'system' THEN 'system'
    WHEN h.actor = o.customer_id::text THEN 'customer'
    WHEN h.status IN ('processing', 'shipped')
      AND EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = h.order_id AND i.seller_id::text = h.actor) THEN 'seller'
    ELSE 'admin' END
  FROM orders o WHERE o.id = h.order_id;

ALTER TABLE order_status_history ALTER COLUMN actor_role SET NOT NULL;
