package io.emporium.payment.client;

import io.emporium.payment.client.PayPalClient.PayPalException;
import io.emporium.proto.payment.v1.CheckoutSessionRequest;
import io.emporium.proto.payment.v1.RefundReceipt;
import io.emporium.proto.payment.v1.RefundRequest;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;

/**
 * PayPal Orders v2 behind {@link PaymentProvider}: an order with intent {@code CAPTURE} per
 * checkout (one purchase unit for the order's total, its {@code custom_id} our order id), captured
 * once the buyer approved it, and refunds of its capture. Every write carries a {@code
 * PayPal-Request-Id} derived from our order (or the caller's refund key), so a retry is answered
 * with the first answer.
 */
public final class PayPalProvider implements PaymentProvider {
  /** What PayPal answers for a capture that may no longer be made, or not yet. */
  private static final Set<String> NOT_CAPTURABLE =
      Set.of("ORDER_ALREADY_CAPTURED", "ORDER_NOT_APPROVED", "ORDER_EXPIRED", "ORDER_COMPLETED");

  private static final String DECLINED = "INSTRUMENT_DECLINED";
  private static final int MAX_NOTE = 255;

  private final PayPalClient paypal;

  public PayPalProvider(PayPalClient paypal) {
    this.paypal = paypal;
  }

  @Override
  public String name() {
    return PAYPAL;
  }

  @Override
  public Future<OpenedCheckout> open(CheckoutSessionRequest r) {
    String currency = r.getCurrency();
    String shortId = r.getOrderId().length() > 8 ? r.getOrderId().substring(0, 8) : r.getOrderId();
    JsonObject unit =
        new JsonObject()
            .put("reference_id", r.getOrderId())
            .put("custom_id", r.getOrderId())
            .put("description", "Order " + shortId)
            .put(
                "amount",
                new JsonObject()
                    .put("currency_code", PayPalAmounts.currencyCode(currency))
                    .put("value", PayPalAmounts.toPayPal(r.getTotal(), currency)));
    JsonObject experience =
        new JsonObject()
            .put("return_url", r.getSuccessUrl())
            .put("cancel_url", r.getCancelUrl())
            .put("user_action", "PAY_NOW")
            .put("shipping_preference", "NO_SHIPPING");
    JsonObject body =
        new JsonObject()
            .put("intent", "CAPTURE")
            .put("purchase_units", new JsonArray().add(unit))
            .put(
                "payment_source",
                new JsonObject()
                    .put("paypal", new JsonObject().put("experience_context", experience)));
    // the order id as PayPal's request id: asking again for the same order never makes a second
    return paypal
        .send(HttpMethod.POST, "v2/checkout/orders", body, "checkout-" + r.getOrderId())
        .recover(e -> Future.failedFuture(PayPalClient.problem(e)))
        .map(
            order ->
                new OpenedCheckout(
                    order.getString("id"),
                    PayPalFacts.approveUrl(order),
                    "open",
                    r.getTotal(),
                    currency,
                    null));
  }

  @Override
  public Future<CheckoutState> read(String checkoutId) {
    return paypal
        .send(HttpMethod.GET, "v2/checkout/orders/" + encoded(checkoutId), null, null)
        .recover(e -> Future.failedFuture(PayPalClient.problem(e)))
        .map(order -> PayPalFacts.ofOrder(order, null));
  }

  @Override
  public Future<CheckoutState> complete(String checkoutId) {
    return read(checkoutId)
        .compose(
            now ->
                !now.status().equals(CheckoutState.OPEN)
                    ? Future.succeededFuture(now)
                    : capture(checkoutId, now));
  }

  /**
   * Captures an approved order: a decline is a failed checkout; one that cannot be captured (not
   * approved yet, or captured meanwhile) is read again.
   */
  private Future<CheckoutState> capture(String checkoutId, CheckoutState before) {
    return paypal
        .send(
            HttpMethod.POST,
            "v2/checkout/orders/" + encoded(checkoutId) + "/capture",
            new JsonObject(),
            "capture-" + checkoutId)
        .map(order -> PayPalFacts.ofOrder(order, null))
        .recover(
            e -> {
              if (e instanceof PayPalException p && p.status() == 422) {
                if (DECLINED.equals(p.issue())) {
                  return Future.succeededFuture(
                      PayPalFacts.declined(
                          before.orderId(), checkoutId, before.amount(), before.currency(), null));
                }
                if (NOT_CAPTURABLE.contains(p.issue())) {
                  return read(checkoutId);
                }
              }
              return Future.failedFuture(PayPalClient.problem(e));
            });
  }

  @Override
  public Future<CheckoutState> close(String checkoutId) {
    return read(checkoutId)
        .map(
            now ->
                // a capture under review cannot be taken back: its money is on its way
                now.status().equals(CheckoutState.PAID)
                        || now.status().equals(CheckoutState.EXPIRED)
                        || now.status().equals(CheckoutState.PENDING)
                    ? now
                    : PayPalFacts.expired(
                        now.orderId(), checkoutId, now.amount(), now.currency(), null));
  }

  @Override
  public Future<Refunded> refund(UUID orderId, RefundRequest request, String currency) {
    JsonObject body =
        new JsonObject()
            .put("custom_id", orderId.toString())
            // names the refund as ours when its webhook comes back; PayPal keeps it on the refund
            .put(
                "invoice_id",
                PayPalFacts.OUR_REFUND
                    + UUID.nameUUIDFromBytes(
                        request.getIdempotencyKey().getBytes(StandardCharsets.UTF_8)));
    if (request.getAmount() > 0) {
      body.put(
          "amount",
          new JsonObject()
              .put("currency_code", PayPalAmounts.currencyCode(currency))
              .put("value", PayPalAmounts.toPayPal(request.getAmount(), currency)));
    }
    if (!request.getReason().isBlank()) {
      String note = request.getReason().replace('_', ' ');
      body.put("note_to_payer", note.length() > MAX_NOTE ? note.substring(0, MAX_NOTE) : note);
    }
    String captureId = request.getPaymentIntentId();
    // the caller's key as PayPal's request id: a retry gets the first refund back
    return paypal
        .send(
            HttpMethod.POST,
            "v2/payments/captures/" + encoded(captureId) + "/refund",
            body,
            "refund-" + request.getIdempotencyKey())
        .recover(e -> Future.failedFuture(PayPalClient.problem(e)))
        .map(
            refund -> {
              var fact =
                  PayPalFacts.ofOwnRefund(
                      refund, orderId, captureId, request.getAmount(), currency);
              RefundReceipt receipt =
                  RefundReceipt.newBuilder()
                      .setRefundId(refund.getString("id", ""))
                      .setAmount(fact.amount())
                      .setCurrency(fact.currency())
                      .setStatus(refund.getString("status", "").toLowerCase(java.util.Locale.ROOT))
                      .build();
              return new Refunded(fact, receipt);
            });
  }

  private static String encoded(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8);
  }
}
