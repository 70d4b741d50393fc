package io.emporium.deploy;

import static io.emporium.deploy.Checkouts.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The money path end to end through REST: cart → checkout → the emulator's hosted page → webhook →
 * order.
 */
@ExtendWith(TestPlatform.class)
class CheckoutIT {

  @Test
  void payingOnTheHostedPageMakesTheOrderPaidSellsTheStockAndEmptiesTheCart(Api api)
      throws Exception {
    Product p = product(api, 2_400, 5);
    Accounts.Account buyer = buyer(api, p, 2);
    Api.Response started =
        checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("DE"));
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    JsonObject s = started.json();
    assertThat(s.getString("sessionId")).startsWith("cs_test_");
    assertThat(s.getString("checkoutUrl")).startsWith(TestPlatform.platform().stripeEmulatorUrl());
    // 4 800 of goods: under the 5 000 free-shipping line, so 499 shipping; 19 % German tax on the
    // goods
    assertThat(s.getLong("total")).isEqualTo(4_800 + 499 + 912);
    assertThat(s.getString("currency")).isEqualTo("usd");

    JsonObject pending =
        api.get("/api/v1/orders/" + s.getString("orderId"), buyer.accessToken()).json();
    assertThat(pending.getString("status")).isEqualTo("pending_payment");
    assertThat(pending.getLong("subtotal")).isEqualTo(4_800);
    assertThat(pending.getLong("shipping")).isEqualTo(499);
    assertThat(pending.getLong("tax")).isEqualTo(912);
    assertThat(pending.getJsonObject("shippingAddress").getString("country")).isEqualTo("DE");
    assertThat(pending.getJsonArray("items").getJsonObject(0).getString("sku")).isEqualTo(p.sku());
    assertThat(stock(p.sku()).getInteger("reserved")).as("held for the session").isEqualTo(2);

    assertThat(pay(s.getString("checkoutUrl"), PAYS)).isEqualTo(303);
    JsonObject paid = orderOnceItIs(api, buyer.accessToken(), s.getString("orderId"), "paid");
    assertThat(paid.getJsonObject("payment").getString("status")).isEqualTo("paid");
    assertThat(statuses(paid)).containsExactly("pending_payment", "paid");
    Row sold = stock(p.sku());
    assertThat(sold.getInteger("stock")).isEqualTo(3);
    assertThat(sold.getInteger("reserved")).isZero();
    assertThat(api.get("/api/v1/cart", buyer.accessToken()).json().getJsonArray("items"))
        .as("bought lines leave the cart")
        .isEmpty();

    JsonArray mine = api.get("/api/v1/orders", buyer.accessToken()).json().getJsonArray("items");
    assertThat(mine.getJsonObject(0).getString("id")).isEqualTo(s.getString("orderId"));
    assertThat(
            api.get(
                    "/api/v1/orders/" + s.getString("orderId"),
                    Accounts.signedIn(api, null).accessToken())
                .status())
        .as("another customer's order does not exist for them")
        .isEqualTo(404);
    assertThat(api.get("/api/v1/orders/" + s.getString("orderId"), p.sellerToken()).status())
        .as("the seller of its item")
        .isEqualTo(200);
    assertThat(api.get("/api/v1/orders/" + s.getString("orderId"), null).status()).isEqualTo(401);
  }

  @Test
  void aSuccessUrlWithStripesSessionIdTemplateIsTakenAndTheBuyerComesBackWithTheSessionId(Api api)
      throws Exception {
    Product p = product(api, 1_500, 5);
    Accounts.Account buyer = buyer(api, p, 1);
    Api.Response templateOnly =
        checkout(
            api,
            buyer.accessToken(),
            UUID.randomUUID().toString(),
            checkoutBody("GB").put("successUrl", "{CHECKOUT_SESSION_ID}"));
    assertThat(templateOnly.status())
        .as("the template does not make a relative URL absolute")
        .isEqualTo(422);
    Api.Response braces =
        checkout(
            api,
            buyer.accessToken(),
            UUID.randomUUID().toString(),
            checkoutBody("GB")
                .put("successUrl", "https://shop.example/thanks?session_id={SESSION}"));
    assertThat(braces.status()).as("only Stripe's own template may hold braces").isEqualTo(422);
    assertThat(braces.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("successUrl");

    Api.Response started =
        checkout(
            api,
            buyer.accessToken(),
            UUID.randomUUID().toString(),
            checkoutBody("GB")
                .put("successUrl", "https://shop.example/thanks?session_id={CHECKOUT_SESSION_ID}"));
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    String sessionId = started.json().getString("sessionId");
    var paid = payOnPage(started.json().getString("checkoutUrl"), PAYS);
    assertThat(paid.statusCode()).isEqualTo(303);
    assertThat(paid.headers().firstValue("Location"))
        .as("Stripe fills the session id in")
        .hasValue("https://shop.example/thanks?session_id=" + sessionId);
    orderOnceItIs(api, buyer.accessToken(), started.json().getString("orderId"), "paid");
  }

  @Test
  void aDeclinedCardCancelsTheOrderReleasesTheStockAndClosesTheSession(Api api) throws Exception {
    Product p = product(api, 6_000, 4);
    Accounts.Account buyer = buyer(api, p, 1);
    JsonObject s =
        checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("US")).json();
    assertThat(s.getLong("total"))
        .as("free shipping from 5 000, no tax outside DE")
        .isEqualTo(6_000);
    assertThat(pay(s.getString("checkoutUrl"), DECLINES)).isLessThan(500);
    JsonObject cancelled =
        orderOnceItIs(api, buyer.accessToken(), s.getString("orderId"), "cancelled");
    assertThat(cancelled.getJsonObject("payment").getString("status")).isEqualTo("failed");
    Row level = stock(p.sku());
    assertThat(level.getInteger("stock")).isEqualTo(4);
    assertThat(level.getInteger("reserved")).isZero();
    assertThat(eventually(() -> sessionStatus(s.getString("sessionId")).equals("expired")))
        .as("the session can no longer be paid")
        .isTrue();
    assertThat(api.get("/api/v1/cart", buyer.accessToken()).json().getJsonArray("items"))
        .as("the cart is kept to try again")
        .hasSize(1);
  }

  private static String sessionStatus(String sessionId) {
    try {
      return emulator().v1().checkout().sessions().retrieve(sessionId).getStatus();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void anExpiredSessionCancelsTheOrderAndReleasesTheStock(Api api) throws Exception {
    Product p = product(api, 1_000, 3);
    Accounts.Account buyer = buyer(api, p, 3);
    JsonObject s =
        checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("FR")).json();
    assertThat(stock(p.sku()).getInteger("reserved")).isEqualTo(3);
    emulator().v1().checkout().sessions().expire(s.getString("sessionId"));
    JsonObject cancelled =
        orderOnceItIs(api, buyer.accessToken(), s.getString("orderId"), "cancelled");
    assertThat(cancelled.getJsonObject("payment").getString("status")).isEqualTo("expired");
    assertThat(stock(p.sku()).getInteger("reserved")).isZero();
  }

  @Test
  void theSameKeyAndBodyAnswersTheFirstAnswerAndAnotherBodyUnderItIs422(Api api) {
    Product p = product(api, 1_500, 10);
    Accounts.Account buyer = buyer(api, p, 1);
    String key = UUID.randomUUID().toString();
    Api.Response first = checkout(api, buyer.accessToken(), key, checkoutBody("GB"));
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    Api.Response again = checkout(api, buyer.accessToken(), key, checkoutBody("GB"));
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.json()).isEqualTo(first.json());
    Api.Response other = checkout(api, buyer.accessToken(), key, checkoutBody("IE"));
    assertThat(other.status()).as(other.toString()).isEqualTo(422);
    assertThat(other.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("Idempotency-Key");
    assertThat(checkout(api, buyer.accessToken(), null, checkoutBody("GB")).status())
        .as("the key is required")
        .isEqualTo(422);
    assertThat(orderCount(buyer.id())).as("one order, however often it was asked").isEqualTo(1);
    assertThat(stock(p.sku()).getInteger("reserved")).isEqualTo(1);
  }

  @Test
  void concurrentRequestsUnderOneKeyMakeOneOrderAndTheOthersAreConflictsOrTheSameAnswer(Api api)
      throws Exception {
    Product p = product(api, 1_500, 10);
    Accounts.Account buyer = buyer(api, p, 1);
    String key = UUID.randomUUID().toString();
    List<Api.Response> answers =
        race(6, i -> checkout(api, buyer.accessToken(), key, checkoutBody("GB")));
    assertThat(answers)
        .extracting(Api.Response::status)
        .allMatch(s -> s == 201 || s == 409)
        .contains(201);
    assertThat(
            answers.stream()
                .filter(r -> r.status() == 201)
                .map(r -> r.json().getString("orderId"))
                .distinct())
        .hasSize(1);
    assertThat(orderCount(buyer.id())).isEqualTo(1);
  }

  @Test
  void aRetryAfterTheFirstAttemptDiedUndoesItsOrderAndChecksOutAfresh(Api api) {
    Product p = product(api, 1_000, 2);
    Accounts.Account buyer = buyer(api, p, 2);
    String key = UUID.randomUUID().toString();
    JsonObject first = checkout(api, buyer.accessToken(), key, checkoutBody("GB")).json();
    // as if the process died before keeping the answer: the key is still running, its lease long
    // over
    TestPlatform.db()
        .preparedQuery(
            """
        UPDATE ordering.idempotency_keys SET state = 'running', response = NULL, locked_until = now() - interval '1 minute'
        WHERE customer_id = $1 AND key = $2""")
        .execute(Tuple.of(UUID.fromString(buyer.id()), key))
        .await();
    Api.Response retry = checkout(api, buyer.accessToken(), key, checkoutBody("GB"));
    assertThat(retry.status())
        .as(retry.toString() + " (all the stock was held by the dead attempt)")
        .isEqualTo(201);
    assertThat(retry.json().getString("orderId")).isNotEqualTo(first.getString("orderId"));
    JsonObject dead =
        api.get("/api/v1/orders/" + first.getString("orderId"), buyer.accessToken()).json();
    assertThat(dead.getString("status")).isEqualTo("cancelled");
    assertThat(stock(p.sku()).getInteger("reserved")).isEqualTo(2);
  }

  @Test
  void badCheckoutRequestsAre422AndChangeNothing(Api api) {
    Product p = product(api, 1_500, 10);
    Accounts.Account buyer = buyer(api, p, 1);
    Api.Response noAddress =
        checkout(
            api,
            buyer.accessToken(),
            "k1",
            new JsonObject()
                .put("successUrl", "https://shop.example/a")
                .put("cancelUrl", "https://shop.example/b"));
    assertThat(noAddress.status()).isEqualTo(422);
    Api.Response badAddress =
        checkout(
            api,
            buyer.accessToken(),
            "k2",
            checkoutBody("GB").put("address", new JsonObject().put("name", "A")));
    assertThat(badAddress.status()).isEqualTo(422);
    assertThat(
            badAddress.json().getJsonArray("errors").stream()
                .map(e -> ((JsonObject) e).getString("field")))
        .contains("address.line1", "address.city", "address.postalCode", "address.country");
    Api.Response badUrl =
        checkout(
            api,
            buyer.accessToken(),
            "k3",
            checkoutBody("GB").put("successUrl", "javascript:alert(1)"));
    assertThat(badUrl.status()).isEqualTo(422);
    Api.Response notMine =
        checkout(
            api,
            buyer.accessToken(),
            "k4",
            checkoutBody("GB")
                .put("address", (Object) null)
                .put("addressId", UUID.randomUUID().toString()));
    assertThat(notMine.status()).as(notMine.toString()).isEqualTo(422);
    Api.Response emptyCart =
        checkout(api, Accounts.signedIn(api, null).accessToken(), "k5", checkoutBody("GB"));
    assertThat(emptyCart.status()).isEqualTo(422);
    assertThat(checkout(api, p.sellerToken(), "k6", checkoutBody("GB")).status())
        .as("customers check out")
        .isEqualTo(403);
    assertThat(orderCount(buyer.id())).isZero();
    assertThat(stock(p.sku()).getInteger("reserved")).isZero();
    Api.Response nowFixed = checkout(api, buyer.accessToken(), "k2", checkoutBody("GB"));
    assertThat(nowFixed.status()).as("a refused request did not use up its key").isEqualTo(201);
  }

  @Test
  void aSavedAddressCanBeUsed(Api api) {
    Product p = product(api, 1_500, 10);
    Accounts.Account buyer = buyer(api, p, 1);
    String addressId =
        api.post("/api/v1/users/me/addresses", buyer.accessToken(), address("DE"))
            .json()
            .getString("id");
    Api.Response started =
        checkout(
            api,
            buyer.accessToken(),
            "saved",
            new JsonObject()
                .put("addressId", addressId)
                .put("successUrl", "https://shop.example/a")
                .put("cancelUrl", "https://shop.example/b"));
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    JsonObject order =
        api.get("/api/v1/orders/" + started.json().getString("orderId"), buyer.accessToken())
            .json();
    assertThat(order.getJsonObject("shippingAddress").getString("city")).isEqualTo("London");
    assertThat(order.getLong("tax")).isEqualTo(285);
  }

  @Test
  void notEnoughStockIs409NamingTheItemAndTheOrderIsCancelled(Api api) {
    Product p = product(api, 1_000, 3);
    Accounts.Account buyer = buyer(api, p, 3);
    Api.Response lowered =
        api.send(
            HttpMethod.PUT,
            "/api/v1/inventory/" + p.sku(),
            p.sellerToken(),
            new JsonObject().put("available", 1),
            Map.of());
    assertThat(lowered.status()).as(lowered.toString()).isEqualTo(200);
    String key = UUID.randomUUID().toString();
    Api.Response refused = checkout(api, buyer.accessToken(), key, checkoutBody("GB"));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    assertThat(refused.json().getString("detail")).contains("Walnut bowl " + p.sku());
    assertThat(refused.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("items." + p.sku());
    JsonArray orders = api.get("/api/v1/orders", buyer.accessToken()).json().getJsonArray("items");
    assertThat(orders).hasSize(1);
    assertThat(orders.getJsonObject(0).getString("status")).isEqualTo("cancelled");
    assertThat(stock(p.sku()).getInteger("reserved")).isZero();
    Api.Response repeated = checkout(api, buyer.accessToken(), key, checkoutBody("GB"));
    assertThat(repeated.status()).as("the refusal is the kept answer").isEqualTo(409);
    assertThat(repeated.json().getString("detail")).isEqualTo(refused.json().getString("detail"));
    assertThat(repeated.json().getJsonArray("errors"))
        .isEqualTo(refused.json().getJsonArray("errors"));
    assertThat(orderCount(buyer.id())).isEqualTo(1);
  }

  @Test
  void fiftyBuyersRacingForFiveUnitsMakeExactlyFivePaidOrders(Api api) throws Exception {
    Product p = product(api, 3_000, 5);
    List<Api> clients = IntStream.range(0, 50).mapToObj(i -> TestPlatform.newClient()).toList();
    List<Accounts.Account> buyers = new ArrayList<>();
    for (Api client : clients) {
      buyers.add(buyer(client, p, 1));
    }
    List<Api.Response> answers =
        race(
            50,
            i -> checkout(clients.get(i), buyers.get(i).accessToken(), "race", checkoutBody("GB")));
    List<Api.Response> won = answers.stream().filter(r -> r.status() == 201).toList();
    assertThat(answers).extracting(Api.Response::status).allMatch(s -> s == 201 || s == 409);
    assertThat(won).hasSize(5);
    assertThat(stock(p.sku()).getInteger("reserved")).isEqualTo(5);
    race(
        5,
        i -> {
          try {
            return new Api.Response(
                pay(won.get(i).json().getString("checkoutUrl"), PAYS), null, null);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    for (int i = 0; i < 50; i++) {
      if (answers.get(i).status() == 201) {
        orderOnceItIs(
            clients.get(i),
            buyers.get(i).accessToken(),
            answers.get(i).json().getString("orderId"),
            "paid");
      }
    }
    Row level = stock(p.sku());
    assertThat(level.getInteger("stock")).isZero();
    assertThat(level.getInteger("reserved")).isZero();
    long paid =
        TestPlatform.db()
            .preparedQuery(
                """
        SELECT count(*) FROM ordering.orders o JOIN ordering.order_items i ON i.order_id = o.id WHERE i.sku = $1 AND o.status = 'paid'""")
            .execute(Tuple.of(p.sku()))
            .await()
            .iterator()
            .next()
            .getLong(0);
    assertThat(paid).isEqualTo(5);
  }

  @Test
  void theLastUseOfADiscountCodeGoesToOneOfTwoBuyers(Api api) throws Exception {
    Product p = product(api, 2_000, 10);
    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    String code = "LAST" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
    Api.Response created =
        api.post(
            "/api/v1/admin/discounts",
            admin,
            new JsonObject()
                .put("code", code)
                .put("type", "percent")
                .put("value", 10)
                .put("maxUses", 1));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    List<Api> clients = List.of(TestPlatform.newClient(), TestPlatform.newClient());
    List<Accounts.Account> buyers =
        List.of(buyer(clients.get(0), p, 1), buyer(clients.get(1), p, 1));
    for (int i = 0; i < 2; i++) {
      Api.Response applied =
          clients
              .get(i)
              .post(
                  "/api/v1/cart/discount",
                  buyers.get(i).accessToken(),
                  new JsonObject().put("code", code));
      assertThat(applied.status()).as(applied.toString()).isEqualTo(200);
    }
    List<Api.Response> answers =
        race(
            2,
            i -> checkout(clients.get(i), buyers.get(i).accessToken(), "disc", checkoutBody("GB")));
    assertThat(answers).extracting(Api.Response::status).containsExactlyInAnyOrder(201, 422);
    Api.Response winner = answers.stream().filter(r -> r.status() == 201).findFirst().orElseThrow();
    assertThat(winner.json().getLong("total"))
        .as("2 000 less 10 %, plus shipping")
        .isEqualTo(1_800 + 499);
    String discountId = created.json().getString("id");
    assertThat(api.get("/api/v1/admin/discounts/" + discountId, admin).json().getInteger("uses"))
        .isEqualTo(1);

    emulator().v1().checkout().sessions().expire(winner.json().getString("sessionId"));
    Api.Response freed =
        api.await(
            SETTLED,
            () -> api.get("/api/v1/admin/discounts/" + discountId, admin),
            r -> r.json().getInteger("uses") == 0);
    assertThat(freed.json().getInteger("uses"))
        .as("an order that was never paid gives its use back")
        .isZero();
  }

  @Test
  void confirmReadsTheSessionFromStripeAndIsIdempotent(Api api) throws Exception {
    Product p = product(api, 1_000, 5);
    Accounts.Account buyer = buyer(api, p, 2);
    JsonObject s =
        checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("GB")).json();
    JsonObject before =
        api.post(
                "/api/v1/checkout/confirm",
                buyer.accessToken(),
                new JsonObject().put("sessionId", s.getString("sessionId")))
            .json();
    assertThat(before.getString("status")).as("not paid yet").isEqualTo("pending_payment");
    assertThat(pay(s.getString("checkoutUrl"), PAYS)).isEqualTo(303);
    for (int i = 0; i < 2; i++) {
      Api.Response confirmed =
          api.post(
              "/api/v1/checkout/confirm",
              buyer.accessToken(),
              new JsonObject().put("sessionId", s.getString("sessionId")));
      assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
      assertThat(confirmed.json().getString("status")).isEqualTo("paid");
    }
    JsonObject paid = orderOnceItIs(api, buyer.accessToken(), s.getString("orderId"), "paid");
    assertThat(statuses(paid)).containsExactly("pending_payment", "paid");
    assertThat(stock(p.sku()).getInteger("stock")).as("sold once").isEqualTo(3);
    assertThat(
            api.post(
                    "/api/v1/checkout/confirm",
                    Accounts.signedIn(api, null).accessToken(),
                    new JsonObject().put("sessionId", s.getString("sessionId")))
                .status())
        .isEqualTo(404);
  }

  @Test
  void aCheckoutThatStoppedBeforeItsSessionIsCancelledByTheSweeper(Api api) throws Exception {
    Product p = product(api, 1_000, 5);
    Accounts.Account buyer = buyer(api, p, 2);
    JsonObject s =
        checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("GB")).json();
    // as if the saga died after reserving: no session on record, and old enough to be given up
    TestPlatform.db()
        .preparedQuery(
            """
        UPDATE ordering.orders SET checkout_session_id = NULL, created_at = now() - interval '10 minutes' WHERE id = $1""")
        .execute(Tuple.of(UUID.fromString(s.getString("orderId"))))
        .await();
    JsonObject cancelled =
        orderOnceItIs(api, buyer.accessToken(), s.getString("orderId"), "cancelled");
    assertThat(cancelled.getJsonArray("statusHistory").getJsonObject(1).getString("reason"))
        .isEqualTo("abandoned");
    assertThat(stock(p.sku()).getInteger("reserved")).isZero();
    assertThat(eventually(() -> sessionStatus(s.getString("sessionId")).equals("expired")))
        .as("the session Stripe had made is closed")
        .isTrue();
  }

  private static long ledger(String orderId, String kind) {
    return TestPlatform.db()
        .preparedQuery("SELECT count(*) FROM payment.ledger WHERE order_id = $1 AND kind = $2")
        .execute(Tuple.of(UUID.fromString(orderId), kind))
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  @Test
  void aRedeliveredWebhookAndALateExpiryLeaveAPaidOrderAsItIs(Api api) throws Exception {
    Product p = product(api, 1_000, 5);
    Accounts.Account buyer = buyer(api, p, 2);
    JsonObject s =
        checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("GB")).json();
    pay(s.getString("checkoutUrl"), PAYS);
    orderOnceItIs(api, buyer.accessToken(), s.getString("orderId"), "paid");
    String completed =
        TestPlatform.db()
            .preparedQuery(
                """
        SELECT payload::text FROM payment.webhook_events
        WHERE event_type = 'checkout.session.completed' AND payload->'data'->'object'->>'id' = $1""")
            .execute(Tuple.of(s.getString("sessionId")))
            .await()
            .iterator()
            .next()
            .getString(0);
    Api.Response again =
        StripeWebhooks.deliver(api, completed, StripeWebhooks.signature(completed));
    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(again.json().getBoolean("duplicate")).isTrue();

    // an expiry Stripe never sent for this session, arriving after its payment: it must not undo
    // the sale
    String expired =
        StripeWebhooks.event(
            "checkout.session.expired",
            new JsonObject()
                .put("id", s.getString("sessionId"))
                .put("object", "checkout.session")
                .put("status", "expired")
                .put("payment_status", "unpaid")
                .put("amount_total", s.getLong("total"))
                .put("currency", "usd")
                .put("client_reference_id", s.getString("orderId"))
                .put("metadata", new JsonObject().put("order_id", s.getString("orderId"))));
    Api.Response late = StripeWebhooks.deliver(api, expired, StripeWebhooks.signature(expired));
    assertThat(late.status()).as(late.toString()).isEqualTo(200);
    assertThat(eventually(() -> ledger(s.getString("orderId"), "expired") == 1))
        .as("the expiry was recorded")
        .isTrue();
    Thread.sleep(1_000);
    JsonObject order =
        api.get("/api/v1/orders/" + s.getString("orderId"), buyer.accessToken()).json();
    assertThat(order.getString("status")).isEqualTo("paid");
    assertThat(statuses(order)).containsExactly("pending_payment", "paid");
    assertThat(ledger(s.getString("orderId"), "succeeded")).isEqualTo(1);
    assertThat(stock(p.sku()).getInteger("stock")).as("sold once").isEqualTo(3);
  }

  @Test
  void aCustomFrontEndPaysThroughAPaymentIntentAndTheHostedPageCloses(Api api) throws Exception {
    Product p = product(api, 1_000, 5);
    Accounts.Account buyer = buyer(api, p, 1);
    JsonObject s =
        checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("GB")).json();
    String key = UUID.randomUUID().toString();
    Map<String, String> keyed = Map.of("Idempotency-Key", key);
    JsonObject body = new JsonObject().put("orderId", s.getString("orderId"));
    Api.Response intent =
        api.send(HttpMethod.POST, "/api/v1/payments/intents", buyer.accessToken(), body, keyed);
    assertThat(intent.status()).as(intent.toString()).isEqualTo(201);
    assertThat(intent.json().getString("clientSecret"))
        .startsWith(intent.json().getString("paymentIntentId") + "_secret_");
    assertThat(
            api.send(HttpMethod.POST, "/api/v1/payments/intents", buyer.accessToken(), body, keyed)
                .json())
        .isEqualTo(intent.json());
    assertThat(
            api.send(
                    HttpMethod.POST,
                    "/api/v1/payments/intents",
                    buyer.accessToken(),
                    new JsonObject().put("orderId", UUID.randomUUID().toString()),
                    keyed)
                .status())
        .as("another order under the same key")
        .isIn(404, 422);
    assertThat(
            api.send(
                    HttpMethod.POST,
                    "/api/v1/payments/intents",
                    Accounts.signedIn(api, null).accessToken(),
                    body,
                    Map.of("Idempotency-Key", "x"))
                .status())
        .as("someone else's order")
        .isEqualTo(404);

    emulator()
        .v1()
        .paymentIntents()
        .confirm(
            intent.json().getString("paymentIntentId"),
            com.stripe.param.PaymentIntentConfirmParams.builder()
                .setPaymentMethod("pm_card_visa")
                .build());
    orderOnceItIs(api, buyer.accessToken(), s.getString("orderId"), "paid");
    assertThat(eventually(() -> sessionStatus(s.getString("sessionId")).equals("expired")))
        .as("paid through its own PaymentIntent, the order's hosted page is closed")
        .isTrue();
    assertThat(stock(p.sku()).getInteger("stock")).isEqualTo(4);
  }

  @Test
  void aSecondPaymentOfAPaidOrderIsRefunded(Api api) throws Exception {
    Product p = product(api, 1_000, 5);
    Accounts.Account buyer = buyer(api, p, 1);
    JsonObject s =
        checkout(api, buyer.accessToken(), UUID.randomUUID().toString(), checkoutBody("GB")).json();
    Api.Response intent =
        api.send(
            HttpMethod.POST,
            "/api/v1/payments/intents",
            buyer.accessToken(),
            new JsonObject().put("orderId", s.getString("orderId")),
            Map.of("Idempotency-Key", UUID.randomUUID().toString()));
    assertThat(intent.status()).as(intent.toString()).isEqualTo(201);
    assertThat(pay(s.getString("checkoutUrl"), PAYS)).isEqualTo(303);
    orderOnceItIs(api, buyer.accessToken(), s.getString("orderId"), "paid");
    // the custom front end charges too: the order needs one payment, so the second is given back
    emulator()
        .v1()
        .paymentIntents()
        .confirm(
            intent.json().getString("paymentIntentId"),
            com.stripe.param.PaymentIntentConfirmParams.builder()
                .setPaymentMethod("pm_card_visa")
                .build());
    assertThat(eventually(() -> ledger(s.getString("orderId"), "refunded") == 1))
        .as("the second payment is refunded")
        .isTrue();
    assertThat(ledger(s.getString("orderId"), "succeeded")).isEqualTo(2);
    JsonObject order =
        api.get("/api/v1/orders/" + s.getString("orderId"), buyer.accessToken()).json();
    assertThat(order.getString("status")).isEqualTo("paid");
    assertThat(stock(p.sku()).getInteger("stock")).as("sold once").isEqualTo(4);
    // money the platform gave back on its own is in the audit log, as the platform's act
    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    Api.Response audit =
        api.await(
            SETTLED,
            () ->
                api.get(
                    "/api/v1/admin/audit?action=order.refunded_automatically&target="
                        + s.getString("orderId"),
                    admin),
            r -> r.status() == 200 && !r.json().getJsonArray("items").isEmpty());
    JsonObject entry = audit.json().getJsonArray("items").getJsonObject(0);
    assertThat(entry.getJsonObject("actor").getString("role")).isEqualTo("service");
    assertThat(entry.getJsonObject("after").getString("paymentIntentId"))
        .isEqualTo(intent.json().getString("paymentIntentId"));
    assertThat(entry.getJsonObject("after").getString("reason")).isEqualTo("duplicate_payment");
    assertThat(entry.getJsonObject("after").getLong("amount")).isEqualTo(order.getLong("total"));
  }

  private static boolean eventually(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + SETTLED.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(100);
    }
    return true;
  }

  private static long orderCount(String customerId) {
    return TestPlatform.db()
        .preparedQuery("SELECT count(*) FROM ordering.orders WHERE customer_id = $1")
        .execute(Tuple.of(UUID.fromString(customerId)))
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  /** Runs the calls at once from their own threads and answers their responses in order. */
  private static List<Api.Response> race(int n, java.util.function.IntFunction<Api.Response> call)
      throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(n);
    try {
      List<Callable<Api.Response>> calls = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        calls.add(() -> call.apply(index));
      }
      List<Api.Response> answers = new ArrayList<>();
      for (Future<Api.Response> f : threads.invokeAll(calls)) {
        answers.add(f.get());
      }
      return answers;
    } finally {
      threads.shutdownNow();
    }
  }
}
