-- Which provider an order is paid through: Stripe (card, every order before PayPal) or PayPal. Its checkout session
-- column then holds the PayPal order id, and its payment intent column the PayPal capture id.
ALTER TABLE orders ADD COLUMN payment_provider text NOT NULL DEFAULT 'stripe' CHECK (payment_provider IN ('stripe', 'paypal'));
