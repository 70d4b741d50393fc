package io.emporium.ordering.saga;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.problem.ApiProblem;
import io.emporium.common.problem.ApiProblem.FieldError;
import io.emporium.ordering.domain.Actor;
import io.emporium.ordering.domain.CartPricing;
import io.emporium.ordering.domain.CartPricing.Line;
import io.emporium.ordering.domain.CartTokens;
import io.emporium.ordering.domain.CheckoutRules;
import io.emporium.ordering.domain.DiscountRules;
import io.emporium.ordering.domain.OrderTokens;
import io.emporium.ordering.domain.PaymentStatus;
import io.emporium.ordering.domain.ShippingAddresses;
import io.emporium.ordering.store.CartStore;
import io.emporium.ordering.store.DiscountStore;
import io.emporium.ordering.store.IdempotencyKeys;
import io.emporium.ordering.store.IdempotencyKeys.Finished;
import io.emporium.ordering.store.OrderMetrics;
import io.emporium.ordering.store.OrderStore;
import io.emporium.ordering.store.OrderStore.NewOrder;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.LookupVariantsRequest;
import io.emporium.proto.catalog.v1.ReserveStockRequest;
import io.emporium.proto.catalog.v1.ReservedItem;
import io.emporium.proto.catalog.v1.VariantOffer;
import io.emporium.proto.ordering.v1.CheckoutRequest;
import io.emporium.proto.ordering.v1.CheckoutStarted;
import io.emporium.proto.ordering.v1.Discount;
import io.emporium.proto.ordering.v1.Order;
import io.emporium.proto.payment.v1.CheckoutLine;
import io.emporium.proto.payment.v1.CheckoutSessionRequest;
import io.emporium.proto.payment.v1.PaymentGrpcClient;
import io.vertx.core.Future;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@code POST /checkout}: cart → order ({@code pending_payment}, prices re-read from the catalog) →
 * stock reserved (all or nothing) → the payment provider's checkout (a Stripe Checkout Session for
 * {@code card}, a PayPal order for {@code paypal}) → 201. Each step is a short local transaction or
 * one idempotent call; none waits on a call inside a transaction. The order's own row is the saga's
 * state: waiting for payment without a session means the checkout is under way or stopped. A
 * failure after the order exists cancels it here (an {@link OrderMoves} cancel), and a checkout
 * stopped by a crash is cancelled by the {@link CheckoutSweeper}.
 */
public final class CheckoutSaga {
  static final String OPERATION = "checkout";

  private static final String CARD = "card";
  private static final String PAYPAL = "paypal";

  /**
   * Stripe's shortest session (30 minutes) and a minute to spare; a shorter time to pay is kept by
   * the sweeper expiring it.
   */
  private static final Duration SHORTEST_STRIPE_SESSION = Duration.ofMinutes(31);

  private static final int MAX_KEY_LENGTH = 255;
  private static final String SESSION_ID_TEMPLATE = "{CHECKOUT_SESSION_ID}";
  private final CartStore carts;
  private final DiscountStore discounts;
  private final OrderStore orders;
  private final IdempotencyKeys keys;
  private final OrderPayments payments;
  private final GrpcCalls catalog;
  private final GrpcCalls payment;
  private final CheckoutRules rules;
  private final Duration sessionLifetime;

  /**
   * The hold outlives the time to pay, so a payment made in its last second still finds its stock.
   */
  private final Duration holdMargin;

  private final OrderMetrics metrics;

  public CheckoutSaga(
      CartStore carts,
      DiscountStore discounts,
      OrderStore orders,
      IdempotencyKeys keys,
      OrderPayments payments,
      GrpcCalls catalog,
      GrpcCalls payment,
      CheckoutRules rules,
      EmporiumConfig.Checkout timings,
      OrderMetrics metrics) {
    this.carts = carts;
    this.discounts = discounts;
    this.orders = orders;
    this.keys = keys;
    this.payments = payments;
    this.catalog = catalog;
    this.payment = payment;
    this.rules = rules;
    this.sessionLifetime = timings.sessionLifetime();
    this.holdMargin = timings.holdMargin();
    this.metrics = metrics;
  }

  /**
   * Who checks out: a customer (their cart), or a guest (the cart their token names, and their
   * email). Idempotency keys are the customer's, or, for a guest, their cart's: a name-based UUID
   * of the cart token's hash, which no user id (random UUIDs) can equal, so two guests never share
   * a key.
   */
  @SuppressWarnings("ArrayRecordComponent") // a carrier of one call's values, never compared
  private record Buyer(UUID customer, String email, String cartToken, byte[] cartHash) {
    static Buyer of(CallContext caller, CheckoutRequest request) {
      if (caller.authenticated() || request.getCartToken().isEmpty()) {
        return new Buyer(caller.requireRole("customer"), null, null, null);
      }
      return new Buyer(
          null,
          request.getEmail(),
          request.getCartToken(),
          CartTokens.hash(request.getCartToken()));
    }

    boolean guest() {
      return customer == null;
    }

    UUID keyScope() {
      return guest() ? UUID.nameUUIDFromBytes(cartHash) : customer;
    }
  }

  public Future<CheckoutStarted> start(CallContext caller, CheckoutRequest request) {
    Buyer buyer = Buyer.of(caller, request);
    List<FieldError> errors = new ArrayList<>();
    if (buyer.guest() && !guestEmail(buyer.email())) {
      errors.add(new FieldError("email", "must be an email address"));
    }
    if (request.getIdempotencyKey().isBlank()
        || request.getIdempotencyKey().length() > MAX_KEY_LENGTH) {
      errors.add(
          new FieldError(
              "Idempotency-Key", "header is required, at most " + MAX_KEY_LENGTH + " characters"));
    }
    errors.addAll(ShippingAddresses.validate(request.getAddress()));
    // Stripe fills {CHECKOUT_SESSION_ID} into the success URL, so a storefront learns the session
    // it came back from
    url(errors, "successUrl", request.getSuccessUrl().replace(SESSION_ID_TEMPLATE, "cs_test"));
    url(errors, "cancelUrl", request.getCancelUrl());
    if (provider(request) == null) {
      errors.add(new FieldError("paymentMethod", "must be card or paypal"));
    }
    if (!errors.isEmpty()) {
      return Future.failedFuture(ApiProblem.invalid(errors));
    }
    IdempotencyKeys.Key key =
        new IdempotencyKeys.Key(buyer.keyScope(), OPERATION, request.getIdempotencyKey());
    // what the customer sent: a saved address by its id (editing it later does not make a retry
    // another request)
    CheckoutRequest.Builder sent = request.toBuilder().clearIdempotencyKey();
    if (!request.getAddressId().isEmpty()) {
      sent.clearAddress();
    }
    byte[] fingerprint = IdempotencyKeys.fingerprint(sent.build().toByteArray());
    return keys.claim(key, fingerprint)
        .compose(
            claim -> {
              if (claim instanceof Finished finished) {
                return replay(finished).map(started -> unmasked(buyer, started));
              }
              UUID abandoned = ((IdempotencyKeys.Claimed) claim).abandonedOrder();
              // the first attempt died mid-way: its order gives back its stock and discount use
              // before this one starts
              Future<Void> undone =
                  abandoned == null
                      ? Future.succeededFuture()
                      : payments
                          .cancel(
                              abandoned,
                              PaymentStatus.CANCELLED,
                              "abandoned",
                              true,
                              caller.requestId())
                          .mapEmpty();
              return undone.compose(v -> run(caller, buyer, key, request));
            });
  }

  private static Future<CheckoutStarted> replay(Finished finished) {
    if (finished.refusal() != null) {
      return Future.failedFuture(finished.refusal());
    }
    try {
      return Future.succeededFuture(CheckoutStarted.parseFrom(finished.response()));
    } catch (InvalidProtocolBufferException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * The edge checks a guest's email by the identity rules and sends it normalised; here it is
   * refused unless it is at least plausible and already lower case, as accounts store theirs.
   */
  private static boolean guestEmail(String email) {
    int at = email.indexOf('@');
    return email.length() <= 254
        && at > 0
        && at == email.lastIndexOf('@')
        && email.indexOf('.', at) > at + 1
        && email.equals(email.strip().toLowerCase(Locale.ROOT))
        && email.chars().noneMatch(c -> c <= ' ' || c == 0x7f);
  }

  /** A kept guest answer holds its order token masked by the cart token; this request has it. */
  private static CheckoutStarted unmasked(Buyer buyer, CheckoutStarted kept) {
    if (!buyer.guest() || kept.getOrderToken().isEmpty()) {
      return kept;
    }
    return kept.toBuilder()
        .setOrderToken(OrderTokens.mask(kept.getOrderToken(), buyer.cartToken(), kept.getOrderId()))
        .build();
  }

  private Future<CheckoutStarted> run(
      CallContext caller, Buyer buyer, IdempotencyKeys.Key key, CheckoutRequest request) {
    long started = System.nanoTime();
    String orderToken = buyer.guest() ? OrderTokens.issue() : null;
    return newOrder(caller, buyer, orderToken, request)
        .compose(orders::create)
        // nothing exists yet: the same request may be sent again under the same key
        .recover(e -> keys.release(key).transform(ar -> Future.failedFuture(e)))
        .compose(
            order ->
                keys.attachOrder(key, UUID.fromString(order.getId()))
                    .compose(
                        v -> reserveAndOpenSession(caller, buyer, orderToken, key, order, request)))
        .onComplete(
            ar ->
                metrics.checkoutEnded(
                    started,
                    ar.succeeded()
                        ? OrderMetrics.SESSION_READY
                        : ar.cause() instanceof ApiProblem p && p.status() < 500
                            ? OrderMetrics.REFUSED
                            : OrderMetrics.FAILED));
  }

  /** The order as the catalog prices the cart now, with its discount, shipping and tax. */
  private Future<NewOrder> newOrder(
      CallContext caller, Buyer buyer, String orderToken, CheckoutRequest request) {
    UUID customer = buyer.customer();
    return (buyer.guest() ? carts.ofGuest(buyer.cartHash()) : carts.ofUser(customer))
        .compose(
            found -> {
              if (found.isEmpty() || found.get().lines().isEmpty()) {
                return Future.failedFuture(
                    ApiProblem.invalid("cart", "is empty; add something before checking out"));
              }
              CartStore.StoredCart cart = found.get();
              LookupVariantsRequest lookup =
                  LookupVariantsRequest.newBuilder()
                      .addAllSkus(cart.lines().stream().map(Line::sku).toList())
                      .build();
              return catalog
                  .call(
                      CatalogGrpcClient.LookupVariants,
                      lookup,
                      CallContext.service(caller.requestId(), Actor.SERVICE))
                  .compose(
                      found2 -> {
                        Map<String, VariantOffer> offers =
                            found2.getOffersList().stream()
                                .collect(
                                    Collectors.toMap(VariantOffer::getSku, o -> o, (a, b) -> a));
                        CartPricing.OrderLines priced =
                            CartPricing.forOrder(cart.currency(), cart.lines(), offers);
                        if (!priced.unsold().isEmpty()) {
                          return Future.failedFuture(
                              new ApiProblem(
                                  409,
                                  ApiProblem.titleFor(409),
                                  "Some items in the cart are no longer sold; remove them first.",
                                  priced.unsold(),
                                  null));
                        }
                        long goods = priced.subtotal();
                        return discount(customer, cart, goods)
                            .map(
                                d -> {
                                  long off = d == null ? 0 : DiscountRules.amount(d, goods);
                                  CheckoutRules.Totals totals =
                                      rules.totals(goods, off, request.getAddress().getCountry());
                                  OffsetDateTime payBy =
                                      OffsetDateTime.now(ZoneOffset.UTC).plus(sessionLifetime);
                                  return new NewOrder(
                                      UUID.randomUUID(),
                                      customer,
                                      buyer.email(),
                                      orderToken,
                                      buyer.cartHash(),
                                      cart.currency(),
                                      totals,
                                      d == null ? null : UUID.fromString(d.getId()),
                                      d == null ? null : d.getCode(),
                                      request.getAddress(),
                                      request.getSuccessUrl(),
                                      request.getCancelUrl(),
                                      payBy,
                                      priced.items(),
                                      provider(request));
                                });
                      });
            });
  }

  /** The cart's discount code when it still applies; 422 when it no longer does. */
  private Future<Discount> discount(UUID customer, CartStore.StoredCart cart, long subtotal) {
    if (cart.discountCode() == null) {
      return Future.succeededFuture();
    }
    return discounts
        .byCode(cart.discountCode())
        .compose(
            found -> {
              Discount d =
                  found.orElseThrow(
                      () ->
                          ApiProblem.invalid(
                              "discountCode",
                              "The code " + cart.discountCode() + " no longer exists."));
              return discounts
                  .refusal(d, customer, subtotal, cart.currency())
                  .map(
                      refused -> {
                        refused.ifPresent(
                            why -> {
                              throw ApiProblem.invalid(
                                  "discountCode", "The code " + d.getCode() + " " + why + ".");
                            });
                        return d;
                      });
            });
  }

  private Future<CheckoutStarted> reserveAndOpenSession(
      CallContext caller,
      Buyer buyer,
      String orderToken,
      IdempotencyKeys.Key key,
      Order order,
      CheckoutRequest request) {
    UUID orderId = UUID.fromString(order.getId());
    CallContext self = CallContext.service(caller.requestId(), Actor.SERVICE);
    ReserveStockRequest.Builder hold =
        ReserveStockRequest.newBuilder()
            .setOrderId(order.getId())
            .setTtlSeconds((int) sessionLifetime.plus(holdMargin).toSeconds());
    order
        .getItemsList()
        .forEach(
            i ->
                hold.addItems(
                    ReservedItem.newBuilder().setSku(i.getSku()).setQuantity(i.getQuantity())));
    return catalog
        .call(CatalogGrpcClient.ReserveStock, hold.build(), self)
        .compose(
            held ->
                held.getStatus().equals("held")
                    ? Future.<Void>succeededFuture()
                    : Future.failedFuture(
                        ApiProblem.conflict(
                            "The order was cancelled while checking out; check out again.")))
        .recover(
            e ->
                e instanceof ApiProblem p && p.status() == 409 && !p.errors().isEmpty()
                    ? outOfStock(caller, key, order, p)
                    : Future.failedFuture(e))
        .compose(
            held ->
                payment.call(
                    PaymentGrpcClient.CreateCheckoutSession, session(order, request), self))
        .compose(
            session ->
                orders
                    .attachSession(orderId, session.getSessionId(), session.getUrl())
                    .compose(
                        attached -> {
                          if (!attached) {
                            return Future.failedFuture(
                                ApiProblem.conflict(
                                    "The order was cancelled while checking out; check out again."));
                          }
                          CheckoutStarted started =
                              CheckoutStarted.newBuilder()
                                  .setPaymentMethod(method(request))
                                  .setOrderId(order.getId())
                                  .setSessionId(session.getSessionId())
                                  .setCheckoutUrl(session.getUrl())
                                  .setTotal(order.getTotal())
                                  .setCurrency(order.getCurrency())
                                  .build();
                          if (orderToken == null) {
                            return keys.finish(key, started.toByteArray()).map(started);
                          }
                          // only the hash of the token is stored: the kept answer holds it masked
                          CheckoutStarted kept =
                              started.toBuilder()
                                  .setOrderToken(
                                      OrderTokens.mask(
                                          orderToken, buyer.cartToken(), order.getId()))
                                  .build();
                          return keys.finish(key, kept.toByteArray())
                              .map(started.toBuilder().setOrderToken(orderToken).build());
                        }))
        .recover(
            e ->
                e instanceof OutOfStock out
                    ? Future.failedFuture(out.problem)
                    : compensate(caller, key, orderId, e));
  }

  /**
   * Not enough stock: the order is cancelled, and that answer is kept for repeats of the request.
   */
  private Future<Void> outOfStock(
      CallContext caller, IdempotencyKeys.Key key, Order order, ApiProblem shortage) {
    Map<String, String> names = new HashMap<>();
    order.getItemsList().forEach(i -> names.put(i.getSku(), i.getName()));
    List<FieldError> named = new ArrayList<>();
    List<String> described = new ArrayList<>();
    for (FieldError e : shortage.errors()) {
      String sku =
          e.field().startsWith("items.") ? e.field().substring("items.".length()) : e.field();
      String name = names.getOrDefault(sku, sku);
      named.add(new FieldError("items." + sku, name + " (" + sku + ") has not enough stock"));
      described.add(name + " (" + sku + ")");
    }
    ApiProblem problem =
        new ApiProblem(
            409,
            ApiProblem.titleFor(409),
            "Not enough stock for " + String.join(", ", described) + "; the order was cancelled.",
            named,
            null);
    UUID orderId = UUID.fromString(order.getId());
    return payments
        .cancel(orderId, PaymentStatus.CANCELLED, "out_of_stock", false, caller.requestId())
        .compose(v -> keys.finish(key, problem))
        .compose(v -> Future.failedFuture(new OutOfStock(problem)));
  }

  /**
   * Undoes what the failed checkout did and frees its key; the cancel is a persisted move, so it
   * finishes even if this process stops.
   */
  private <T> Future<T> compensate(
      CallContext caller, IdempotencyKeys.Key key, UUID orderId, Throwable cause) {
    return payments
        .cancel(orderId, PaymentStatus.CANCELLED, "checkout_failed", true, caller.requestId())
        .compose(v -> keys.release(key))
        .transform(ar -> Future.failedFuture(cause));
  }

  private CheckoutSessionRequest session(Order order, CheckoutRequest request) {
    CheckoutSessionRequest.Builder s =
        CheckoutSessionRequest.newBuilder()
            .setOrderId(order.getId())
            .setCustomerId(order.getCustomerId())
            .setCurrency(order.getCurrency())
            .setTotal(order.getTotal())
            .setDiscount(order.getDiscount())
            .setShipping(order.getShipping())
            .setTax(order.getTax())
            .setSuccessUrl(request.getSuccessUrl())
            .setCancelUrl(request.getCancelUrl())
            .setProvider(provider(request))
            .setExpiresAt(
                Instant.now()
                    .plus(
                        sessionLifetime.compareTo(SHORTEST_STRIPE_SESSION) < 0
                            ? SHORTEST_STRIPE_SESSION
                            : sessionLifetime)
                    .getEpochSecond());
    order
        .getItemsList()
        .forEach(
            i ->
                s.addLines(
                    CheckoutLine.newBuilder()
                        .setName(i.getName())
                        .setUnitAmount(i.getUnitPrice())
                        .setQuantity(i.getQuantity())));
    return s.build();
  }

  /** How the buyer pays: {@code card} (also when not said) or {@code paypal}. */
  private static String method(CheckoutRequest request) {
    return request.getPaymentMethod().isEmpty() ? CARD : request.getPaymentMethod();
  }

  /** The provider of a payment method: Stripe for cards, PayPal; null for any other method. */
  private static String provider(CheckoutRequest request) {
    return switch (method(request)) {
      case CARD -> "stripe";
      case PAYPAL -> "paypal";
      default -> null;
    };
  }

  private static void url(List<FieldError> errors, String field, String value) {
    try {
      URI uri = new URI(value);
      if (value.length() <= 2000
          && uri.isAbsolute()
          && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return;
      }
    } catch (java.net.URISyntaxException ignored) {
      // reported below
    }
    errors.add(new FieldError(field, "must be an absolute http(s) URL"));
  }

  /** Carries the kept out-of-stock answer past the compensation of other failures. */
  private static final class OutOfStock extends RuntimeException {
    private final ApiProblem problem;

    OutOfStock(ApiProblem problem) {
      super(problem.detail(), null, false, false);
      this.problem = problem;
    }
  }
}
