package io.emporium.edge.http.shop;

import io.emporium.common.Ids;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.problem.ApiProblem;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Fields;
import io.emporium.edge.http.IdempotencyKey;
import io.emporium.edge.http.JsonBodies;
import io.emporium.edge.http.Reply;
import io.emporium.edge.http.json.AddressJson;
import io.emporium.edge.http.json.OrderJson;
import io.emporium.edge.identity.domain.EmailAddresses;
import io.emporium.edge.identity.store.AddressStore;
import io.emporium.proto.ordering.v1.Address;
import io.emporium.proto.ordering.v1.CheckoutRequest;
import io.emporium.proto.ordering.v1.ConfirmCheckoutRequest;
import io.emporium.proto.ordering.v1.OrderPaymentIntentRequest;
import io.emporium.proto.ordering.v1.OrderingGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.UUID;

/**
 * Paying for a cart: {@code POST /checkout} (with a saved {@code addressId}, resolved here where
 * addresses live, or an inline address; a guest without an account gives their {@code
 * X-Cart-Token}, an inline address and an {@code email}, and gets an {@code orderToken}), {@code
 * POST /checkout/confirm}, and {@code POST /payments/intents} for custom front ends. {@code
 * paymentMethod} is {@code card} (Stripe, the default) or {@code paypal} (a PayPal order to
 * approve). The ordering service runs the saga; the {@code Idempotency-Key} header is passed
 * through to it.
 */
public final class CheckoutRoutes {
  private static final int MAX_URL = 2000;
  private static final String CARD = "card";
  private static final String PAYPAL = "paypal";
  private final GrpcCalls ordering;
  private final AddressStore addresses;

  public CheckoutRoutes(GrpcCalls ordering, AddressStore addresses) {
    this.ordering = ordering;
    this.addresses = addresses;
  }

  public void mount(Router api) {
    api.post("/checkout").handler(Endpoint.of(this::checkout));
    api.post("/checkout/confirm").handler(Endpoint.of(this::confirm));
    api.post("/payments/intents").handler(Endpoint.of(this::paymentIntent));
  }

  Future<Reply> checkout(RoutingContext ctx) {
    String cartToken = ctx.request().getHeader(CartRoutes.CART_TOKEN);
    // without an account, the guest's cart token makes a guest checkout; with neither, sign in
    boolean guest =
        !Authn.callContext(ctx).authenticated() && cartToken != null && !cartToken.isBlank();
    UUID customer = guest ? null : Authn.requireRole(ctx, "customer").userId();
    String key = IdempotencyKey.of(ctx);
    JsonObject body = JsonBodies.object(ctx);
    Fields f = new Fields(body);
    String email = guest ? guestEmail(f) : null;
    String addressId = f.optional("addressId", 64);
    f.check(
        "addressId",
        !guest || addressId == null,
        "saved addresses are for signed-in customers; give the address");
    String successUrl = f.required("successUrl", MAX_URL);
    String cancelUrl = f.required("cancelUrl", MAX_URL);
    String method = f.oneOf("paymentMethod", Set.of(CARD, PAYPAL), CARD);
    JsonObject inline = body.getValue("address") instanceof JsonObject a ? a : null;
    f.check("address", body.getValue("address") == null || inline != null, "must be an object");
    f.check(
        "address",
        (addressId != null) != (inline != null) || f.hasError("address") || f.hasError("addressId"),
        "give either addressId (a saved address) or address, not both");
    f.throwIfInvalid();
    Future<JsonObject> where =
        addressId == null
            ? Future.succeededFuture(inlineAddress(inline))
            : saved(customer, addressId);
    return where
        .compose(
            address -> {
              CheckoutRequest request =
                  CheckoutRequest.newBuilder()
                      .setIdempotencyKey(key)
                      .setAddressId(addressId == null ? "" : addressId)
                      .setAddress(proto(address))
                      .setSuccessUrl(successUrl)
                      .setCancelUrl(cancelUrl)
                      .setCartToken(guest ? cartToken.strip() : "")
                      .setEmail(guest ? email : "")
                      .setPaymentMethod(method)
                      .build();
              return ordering.call(OrderingGrpcClient.Checkout, request, Authn.callContext(ctx));
            })
        .map(
            started -> {
              JsonObject answer = new JsonObject().put("orderId", started.getOrderId());
              if (PAYPAL.equals(started.getPaymentMethod())) {
                answer
                    .put("paymentMethod", PAYPAL)
                    .put("paypalOrderId", started.getSessionId())
                    .put("approveUrl", started.getCheckoutUrl());
              } else {
                answer
                    .put("paymentMethod", CARD)
                    .put("sessionId", started.getSessionId())
                    .put("checkoutUrl", started.getCheckoutUrl());
              }
              answer.put("total", started.getTotal()).put("currency", started.getCurrency());
              if (!started.getOrderToken().isEmpty()) {
                answer.put("orderToken", started.getOrderToken());
              }
              return Reply.created(answer);
            });
  }

  /** A guest's email, by the rules accounts' emails follow, normalised as accounts store it. */
  private static String guestEmail(Fields f) {
    String raw = f.required("email", EmailAddresses.MAX_LENGTH);
    if (raw == null) {
      return null;
    }
    if (!EmailAddresses.isValid(raw)) {
      f.error("email", "is not a valid email address");
      return null;
    }
    return EmailAddresses.normalize(raw);
  }

  /**
   * An inline address, checked as a saved one is; its problems are named {@code address.<field>}.
   */
  private static JsonObject inlineAddress(JsonObject inline) {
    try {
      return AddressJson.read(inline, new JsonObject());
    } catch (ApiProblem p) {
      throw ApiProblem.invalid(
          p.errors().stream()
              .map(e -> new ApiProblem.FieldError("address." + e.field(), e.message()))
              .toList());
    }
  }

  private Future<JsonObject> saved(UUID customer, String addressId) {
    UUID id = Ids.parse(addressId);
    ApiProblem unknown = ApiProblem.invalid("addressId", "is not one of your saved addresses");
    if (id == null) {
      return Future.failedFuture(unknown);
    }
    return addresses.find(customer, id).map(found -> found.orElseThrow(() -> unknown));
  }

  private static Address proto(JsonObject a) {
    Address.Builder address = Address.newBuilder();
    for (String field : AddressStore.FIELDS) {
      if (a.getString(field) != null) {
        set(address, field, a.getString(field));
      }
    }
    return address.build();
  }

  private static void set(Address.Builder a, String field, String value) {
    switch (field) {
      case "name" -> a.setName(value);
      case "line1" -> a.setLine1(value);
      case "line2" -> a.setLine2(value);
      case "city" -> a.setCity(value);
      case "region" -> a.setRegion(value);
      case "postalCode" -> a.setPostalCode(value);
      case "country" -> a.setCountry(value.toUpperCase(java.util.Locale.ROOT));
      case "phone" -> a.setPhone(value);
      default -> throw new IllegalArgumentException(field);
    }
  }

  Future<Reply> confirm(RoutingContext ctx) {
    Authn.requireRole(ctx, "customer");
    Fields f = new Fields(JsonBodies.object(ctx));
    // a Stripe session, or the order (how a PayPal buyer confirms): one of them
    String sessionId = f.optional("sessionId", 255);
    String orderId = f.optional("orderId", 64);
    if (sessionId == null && orderId == null && f.valid()) {
      f.error(f.has("orderId") ? "orderId" : "sessionId", "give sessionId or orderId");
    }
    f.check(
        "orderId",
        sessionId == null || orderId == null,
        "give either sessionId or orderId, not both");
    f.throwIfInvalid();
    return ordering
        .call(
            OrderingGrpcClient.ConfirmCheckout,
            ConfirmCheckoutRequest.newBuilder()
                .setSessionId(sessionId == null ? "" : sessionId)
                .setOrderId(orderId == null ? "" : orderId)
                .build(),
            Authn.callContext(ctx))
        .map(order -> Reply.ok(OrderJson.of(order)));
  }

  Future<Reply> paymentIntent(RoutingContext ctx) {
    Authn.requireRole(ctx, "customer");
    String key = IdempotencyKey.of(ctx);
    Fields f = new Fields(JsonBodies.object(ctx));
    String orderId = f.required("orderId", 64);
    f.throwIfInvalid();
    OrderPaymentIntentRequest request =
        OrderPaymentIntentRequest.newBuilder().setIdempotencyKey(key).setOrderId(orderId).build();
    return ordering
        .call(OrderingGrpcClient.CreatePaymentIntent, request, Authn.callContext(ctx))
        .map(
            intent ->
                Reply.created(
                    new JsonObject()
                        .put("clientSecret", intent.getClientSecret())
                        .put("paymentIntentId", intent.getPaymentIntentId())));
  }
}
