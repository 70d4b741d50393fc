-- Guest orders: no customer, but the guest's email (lower case) and the SHA-256 of the order token that reads the
-- order without an account. An account that verifies the same email claims them (customer_id is set then; the token
-- keeps working). The guest cart's token hash lets payment clear the bought lines from that cart.
ALTER TABLE orders
  ALTER COLUMN customer_id DROP NOT NULL,
  ADD COLUMN guest_email text,
  ADD COLUMN order_token bytea UNIQUE,
  ADD COLUMN guest_cart  bytea,
  ADD CONSTRAINT orders_have_a_buyer
    CHECK (customer_id IS NOT NULL OR (guest_email IS NOT NULL AND order_token IS NOT NULL));
-- the orders an account claims when it verifies their email
CREATE INDEX orders_of_guest_email ON orders (guest_email) WHERE customer_id IS NULL;
