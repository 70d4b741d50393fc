package io.emporium.deploy;

import static io.emporium.deploy.Checkouts.paidOrder;
import static io.emporium.deploy.Checkouts.product;
import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.param.RefundCreateParams;
import io.emporium.proto.events.v1.AuditRecorded;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /admin/audit} through REST: each sensitive act, made through the API with a known
 * request id, shows up once with who did it, from where, and what changed; failed acts leave
 * nothing; the log only grows.
 */
@ExtendWith(TestPlatform.class)
class AuditLogIT {
  private static final String AUDIT = "/api/v1/admin/audit";
  private static final Duration ARRIVES = Duration.ofSeconds(20);

  private static String admin(Api api) {
    return Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
  }

  private static String adminId(Api api, String admin) {
    return api.get("/api/v1/users/me", admin).json().getString("id");
  }

  /** Sends a request with its own request id, asserts the status, and returns the request id. */
  private static String act(
      Api api, HttpMethod method, String path, String token, JsonObject body, int status) {
    String requestId = "audit-it-" + UUID.randomUUID();
    Api.Response r = api.send(method, path, token, body, Map.of("X-Request-Id", requestId));
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    return requestId;
  }

  private static List<JsonObject> items(Api.Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getJsonArray("items").stream().map(JsonObject.class::cast).toList();
  }

  /** The entries of one target, once {@code count} of them are there. */
  private static List<JsonObject> entriesOf(Api api, String admin, String target, int count) {
    Api.Response r =
        api.await(
            ARRIVES,
            () -> api.get(AUDIT + "?target=" + target + "&limit=100", admin),
            a -> a.status() == 200 && a.json().getJsonArray("items").size() >= count);
    List<JsonObject> items = items(r);
    assertThat(items).as("audit entries of " + target).hasSize(count);
    return items;
  }

  /** The one entry of this request. */
  private static JsonObject entryOf(Api api, String admin, String target, String requestId) {
    Api.Response r =
        api.await(
            ARRIVES,
            () -> api.get(AUDIT + "?target=" + target + "&limit=100", admin),
            a ->
                a.status() == 200
                    && items(a).stream().anyMatch(e -> requestId.equals(e.getString("requestId"))));
    List<JsonObject> mine =
        items(r).stream().filter(e -> requestId.equals(e.getString("requestId"))).toList();
    assertThat(mine).as("the audit entry of request " + requestId + " on " + target).hasSize(1);
    return mine.get(0);
  }

  private static void assertActor(Api api, JsonObject entry, String id, String role) {
    assertThat(entry.getJsonObject("actor"))
        .isEqualTo(new JsonObject().put("id", id).put("role", role));
    assertThat(entry.getString("clientAddress"))
        .as("each test class's client has its own address")
        .isEqualTo(api.localAddress());
    assertThat(Instant.parse(entry.getString("at")))
        .isBetween(Instant.now().minusSeconds(60), Instant.now());
  }

  @Test
  void roleChangesDeactivationAndAdminLoginsAreRecordedWithActorAndBeforeAndAfter(Api api) {
    String admin = admin(api);
    String adminId = adminId(api, admin);
    Accounts.Account user = Accounts.signedIn(api, null);

    String promoted =
        act(
            api,
            HttpMethod.PATCH,
            "/api/v1/admin/users/" + user.id(),
            admin,
            new JsonObject().put("role", "seller"),
            200);
    String deactivated =
        act(
            api,
            HttpMethod.PATCH,
            "/api/v1/admin/users/" + user.id(),
            admin,
            new JsonObject().put("active", false),
            200);
    String reactivated =
        act(
            api,
            HttpMethod.PATCH,
            "/api/v1/admin/users/" + user.id(),
            admin,
            new JsonObject().put("active", true),
            200);
    // no change, nothing to record
    act(
        api,
        HttpMethod.PATCH,
        "/api/v1/admin/users/" + user.id(),
        admin,
        new JsonObject().put("role", "seller"),
        200);

    JsonObject role = entryOf(api, admin, user.id(), promoted);
    assertThat(role.getString("action")).isEqualTo("user.role_changed");
    assertThat(role.getJsonObject("target"))
        .isEqualTo(new JsonObject().put("type", "user").put("id", user.id()));
    assertThat(role.getJsonObject("before")).isEqualTo(new JsonObject().put("role", "customer"));
    assertThat(role.getJsonObject("after")).isEqualTo(new JsonObject().put("role", "seller"));
    assertThat(role.getString("service")).isEqualTo("identity");
    assertActor(api, role, adminId, "admin");
    JsonObject off = entryOf(api, admin, user.id(), deactivated);
    assertThat(off.getString("action")).isEqualTo("user.deactivated");
    assertThat(off.getJsonObject("after")).isEqualTo(new JsonObject().put("active", false));
    assertThat(entryOf(api, admin, user.id(), reactivated).getString("action"))
        .isEqualTo("user.reactivated");
    List<JsonObject> all = entriesOf(api, admin, user.id(), 3);
    assertThat(all)
        .extracting(e -> e.getString("action"))
        .as("newest first")
        .containsExactly("user.reactivated", "user.deactivated", "user.role_changed");

    JsonObject bootstrapped =
        items(
                api.await(
                    ARRIVES,
                    () ->
                        api.get(AUDIT + "?action=user.admin_bootstrapped&target=" + adminId, admin),
                    r -> r.status() == 200 && !r.json().getJsonArray("items").isEmpty()))
            .get(0);
    assertThat(bootstrapped.getJsonObject("actor"))
        .isEqualTo(new JsonObject().putNull("id").put("role", "service"));
    assertThat(bootstrapped.getJsonObject("after").getString("role")).isEqualTo("admin");

    String login = "audit-it-" + UUID.randomUUID();
    Api.Response signedIn =
        api.send(
            HttpMethod.POST,
            "/api/v1/auth/login",
            null,
            new JsonObject()
                .put("email", TestPlatform.ADMIN_EMAIL)
                .put("password", TestPlatform.ADMIN_PASSWORD),
            Map.of("X-Request-Id", login));
    assertThat(signedIn.status()).isEqualTo(200);
    JsonObject loginEntry = entryOf(api, admin, adminId, login);
    assertThat(loginEntry.getString("action")).isEqualTo("admin.login");
    assertActor(api, loginEntry, adminId, "admin");
    // a customer's sign-in is not an admin's: once a later act of identity's is in, none of theirs
    // is
    Accounts.login(api, user.email(), Accounts.PASSWORD);
    String marker =
        act(
            api,
            HttpMethod.PATCH,
            "/api/v1/admin/users/" + user.id(),
            admin,
            new JsonObject().put("role", "customer"),
            200);
    entryOf(api, admin, user.id(), marker);
    assertThat(items(api.get(AUDIT + "?actor=" + user.id(), admin))).isEmpty();
  }

  @Test
  void settingsInventoryApprovalsAndCategoriesAreRecorded(Api api) {
    String admin = admin(api);
    String adminId = adminId(api, admin);
    JsonObject settings = api.get("/api/v1/admin/settings", admin).json();
    JsonObject approval = settings.copy().put("productApprovalRequired", true);
    String turnedOn = act(api, HttpMethod.PUT, "/api/v1/admin/settings", admin, approval, 200);
    String pendingId;
    String rejectedId;
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String sku = "AUD-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    try {
      JsonObject entry = entryOf(api, admin, "catalog", turnedOn);
      assertThat(entry.getString("action")).isEqualTo("settings.changed");
      assertThat(entry.getJsonObject("before")).isEqualTo(settings);
      assertThat(entry.getJsonObject("after")).isEqualTo(approval);
      assertActor(api, entry, adminId, "admin");

      pendingId =
          api.post(
                  "/api/v1/products",
                  seller.accessToken(),
                  new JsonObject()
                      .put("name", "Audited lamp")
                      .put("price", 4_500)
                      .put("currency", "usd")
                      .put(
                          "variants",
                          new JsonArray().add(new JsonObject().put("sku", sku).put("stock", 4))))
              .json()
              .getString("id");
      rejectedId =
          api.post(
                  "/api/v1/products",
                  seller.accessToken(),
                  new JsonObject()
                      .put("name", "Counterfeit lamp")
                      .put("price", 100)
                      .put("currency", "usd")
                      .put("stock", 1))
              .json()
              .getString("id");
    } finally {
      act(api, HttpMethod.PUT, "/api/v1/admin/settings", admin, settings, 200);
    }
    String approved =
        act(
            api,
            HttpMethod.POST,
            "/api/v1/admin/products/" + pendingId + "/approve",
            admin,
            new JsonObject(),
            200);
    String rejected =
        act(
            api,
            HttpMethod.POST,
            "/api/v1/admin/products/" + rejectedId + "/reject",
            admin,
            new JsonObject().put("reason", "not the real thing"),
            200);
    JsonObject approvedEntry = entryOf(api, admin, pendingId, approved);
    assertThat(approvedEntry.getString("action")).isEqualTo("product.approved");
    assertThat(approvedEntry.getJsonObject("before"))
        .isEqualTo(new JsonObject().put("status", "pending_review"));
    assertThat(approvedEntry.getJsonObject("after").getString("status")).isEqualTo("active");
    JsonObject rejectedEntry = entryOf(api, admin, rejectedId, rejected);
    assertThat(rejectedEntry.getString("action")).isEqualTo("product.rejected");
    assertThat(rejectedEntry.getJsonObject("after"))
        .isEqualTo(new JsonObject().put("status", "draft").put("reviewNote", "not the real thing"));
    assertThat(entriesOf(api, admin, pendingId, 2))
        .extracting(e -> e.getString("action"))
        .containsExactly("product.approved", "product.created");

    String restocked =
        act(
            api,
            HttpMethod.PUT,
            "/api/v1/inventory/" + sku,
            seller.accessToken(),
            new JsonObject().put("delta", 6),
            200);
    JsonObject stock = entryOf(api, admin, sku, restocked);
    assertThat(stock.getString("action")).isEqualTo("inventory.adjusted");
    assertThat(stock.getString("service")).isEqualTo("catalog");
    assertThat(stock.getJsonObject("before"))
        .isEqualTo(
            new JsonObject().put("productId", pendingId).put("stock", 4).put("available", 4));
    assertThat(stock.getJsonObject("after"))
        .isEqualTo(
            new JsonObject()
                .put("productId", pendingId)
                .put("stock", 10)
                .put("available", 10)
                .put("delta", 6));
    assertActor(api, stock, seller.id(), "seller");
    // refused: below zero changes nothing, so there is nothing to record; a later change of the sku
    // marks when to look
    act(
        api,
        HttpMethod.PUT,
        "/api/v1/inventory/" + sku,
        seller.accessToken(),
        new JsonObject().put("delta", -11),
        409);
    String later =
        act(
            api,
            HttpMethod.PUT,
            "/api/v1/inventory/" + sku,
            seller.accessToken(),
            new JsonObject().put("available", 9),
            200);

    String slug = "audited-" + UUID.randomUUID().toString().substring(0, 8);
    Api.Response created =
        api.post(
            "/api/v1/categories", admin, new JsonObject().put("name", "Audited").put("slug", slug));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String categoryId = created.json().getString("id");
    act(api, HttpMethod.DELETE, "/api/v1/categories/" + categoryId, admin, null, 204);
    List<JsonObject> category = entriesOf(api, admin, categoryId, 2);
    assertThat(category)
        .extracting(e -> e.getString("action"))
        .containsExactly("category.deleted", "category.created");
    assertThat(category.get(0).getJsonObject("before"))
        .isEqualTo(new JsonObject().put("name", "Audited").put("slug", slug).putNull("parentId"));
    assertThat(category.get(0).getValue("after")).isNull();

    entryOf(api, admin, sku, later);
    assertThat(entriesOf(api, admin, sku, 2))
        .as("the refused change left no entry")
        .extracting(e -> e.getString("requestId"))
        .containsExactly(later, restocked);
  }

  @Test
  void savingTheSettingsUnchangedRecordsNothing(Api api) {
    String admin = admin(api);
    JsonObject settings = api.get("/api/v1/admin/settings", admin).json();
    String unchanged = act(api, HttpMethod.PUT, "/api/v1/admin/settings", admin, settings, 200);
    JsonObject raised =
        settings.copy().put("lowStockThreshold", settings.getInteger("lowStockThreshold") + 1);
    String marker;
    try {
      marker = act(api, HttpMethod.PUT, "/api/v1/admin/settings", admin, raised, 200);
    } finally {
      act(api, HttpMethod.PUT, "/api/v1/admin/settings", admin, settings, 200);
    }
    // the later change's entry is in, so the unchanged save's would be too
    assertThat(entryOf(api, admin, "catalog", marker).getJsonObject("before")).isEqualTo(settings);
    assertThat(items(api.get(AUDIT + "?target=catalog&limit=100", admin)))
        .as("entries of the unchanged save")
        .noneMatch(e -> unchanged.equals(e.getString("requestId")));
  }

  @Test
  void discountChangesAndRefundsAreRecorded(Api api) throws Exception {
    String admin = admin(api);
    String adminId = adminId(api, admin);
    String code = "AUDIT" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
    Api.Response created =
        api.post(
            "/api/v1/admin/discounts",
            admin,
            new JsonObject().put("code", code).put("type", "percent").put("value", 10));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().getString("id");
    String raised =
        act(
            api,
            HttpMethod.PATCH,
            "/api/v1/admin/discounts/" + id,
            admin,
            new JsonObject().put("value", 25),
            200);
    String removed = act(api, HttpMethod.DELETE, "/api/v1/admin/discounts/" + id, admin, null, 204);
    JsonObject raise = entryOf(api, admin, id, raised);
    assertThat(raise.getString("action")).isEqualTo("discount.updated");
    assertThat(raise.getJsonObject("before").getLong("value")).isEqualTo(10L);
    assertThat(raise.getJsonObject("after").getLong("value")).isEqualTo(25L);
    assertThat(raise.getJsonObject("after").getString("code")).isEqualTo(code);
    assertActor(api, raise, adminId, "admin");
    JsonObject removal = entryOf(api, admin, id, removed);
    assertThat(removal.getString("action")).isEqualTo("discount.deleted");
    assertThat(removal.getValue("after")).isNull();
    assertThat(entriesOf(api, admin, id, 3))
        .extracting(e -> e.getString("action"))
        .containsExactly("discount.deleted", "discount.updated", "discount.created");

    Checkouts.Product bowl = product(api, 8_000, 5);
    Checkouts.Paid paid = paidOrder(api, bowl, 1);
    // refunded in Stripe's dashboard: no user of ours did it, and the log says so
    String intent =
        TestPlatform.db()
            .preparedQuery("SELECT payment_intent_id FROM ordering.orders WHERE id = $1")
            .execute(Tuple.of(UUID.fromString(paid.id())))
            .await()
            .iterator()
            .next()
            .getString(0);
    Checkouts.emulator()
        .v1()
        .refunds()
        .create(RefundCreateParams.builder().setPaymentIntent(intent).setAmount(300L).build());
    JsonObject atStripe = entriesOf(api, admin, paid.id(), 1).get(0);
    assertThat(atStripe.getString("action")).isEqualTo("order.refund_reconciled");
    assertThat(atStripe.getJsonObject("actor"))
        .isEqualTo(new JsonObject().putNull("id").put("role", "stripe"));
    assertThat(atStripe.getJsonObject("before")).isEqualTo(new JsonObject().put("refunded", 0L));
    assertThat(atStripe.getJsonObject("after").getLong("refunded")).isEqualTo(300L);

    String refund = "audit-it-" + UUID.randomUUID();
    Api.Response refunded =
        api.send(
            HttpMethod.POST,
            "/api/v1/orders/" + paid.id() + "/refund",
            admin,
            new JsonObject().put("amount", 1_500).put("reason", "late delivery"),
            Map.of("Idempotency-Key", UUID.randomUUID().toString(), "X-Request-Id", refund));
    assertThat(refunded.status()).as(refunded.toString()).isEqualTo(200);
    JsonObject money = entryOf(api, admin, paid.id(), refund);
    assertThat(money.getString("action")).isEqualTo("order.refunded");
    assertThat(money.getString("service")).isEqualTo("ordering");
    assertThat(money.getJsonObject("before"))
        .isEqualTo(new JsonObject().put("status", "paid").put("refunded", 300L));
    assertThat(money.getJsonObject("after"))
        .isEqualTo(
            new JsonObject()
                .put("status", "paid")
                .put("refunded", 1_800L)
                .put("amount", 1_500L)
                .put("reason", "late delivery"));
    assertActor(api, money, adminId, "admin");

    // the customer cancels what is left: refunded too, by them
    String cancel =
        act(
            api,
            HttpMethod.POST,
            "/api/v1/orders/" + paid.id() + "/cancel",
            paid.buyer().accessToken(),
            new JsonObject(),
            200);
    JsonObject cancelled = entryOf(api, admin, paid.id(), cancel);
    assertThat(cancelled.getString("action")).isEqualTo("order.cancelled");
    assertThat(cancelled.getJsonObject("after"))
        .isEqualTo(
            new JsonObject()
                .put("status", "cancelled")
                .put("refunded", 8_000L)
                .put("restocked", new JsonArray().add(bowl.sku())));
    assertActor(api, cancelled, paid.buyer().id(), "customer");
    // our own refunds come back as Stripe webhooks too; once ordering has had them, they are still
    // not logged again
    api.await(
        ARRIVES,
        () -> api.get("/api/v1/orders/" + paid.id(), admin),
        r ->
            TestPlatform.db()
                    .preparedQuery(
                        "SELECT count(*) FROM payment.ledger WHERE order_id = $1 AND kind = 'refunded'")
                    .execute(Tuple.of(UUID.fromString(paid.id())))
                    .await()
                    .iterator()
                    .next()
                    .getLong(0)
                == 3);
    Thread.sleep(2_000);
    assertThat(entriesOf(api, admin, paid.id(), 3))
        .extracting(e -> e.getString("action"))
        .containsExactly("order.cancelled", "order.refunded", "order.refund_reconciled");
  }

  @Test
  void filtersNarrowTheLogAndCursorsWalkItWithoutGapsOrRepeats(Api api) {
    String admin = admin(api);
    String adminId = adminId(api, admin);
    Accounts.Account user = Accounts.signedIn(api, null);
    Instant start = Instant.now().minusSeconds(1);
    for (int i = 0; i < 5; i++) {
      act(
          api,
          HttpMethod.PATCH,
          "/api/v1/admin/users/" + user.id(),
          admin,
          new JsonObject().put("role", i % 2 == 0 ? "seller" : "customer"),
          200);
    }
    List<JsonObject> all = entriesOf(api, admin, user.id(), 5);

    List<String> walked = new ArrayList<>();
    String cursor = null;
    do {
      Api.Response page =
          api.get(
              AUDIT
                  + "?target="
                  + user.id()
                  + "&limit=2"
                  + (cursor == null ? "" : "&cursor=" + cursor),
              admin);
      items(page).forEach(e -> walked.add(e.getString("id")));
      cursor = page.json().getString("nextCursor");
    } while (cursor != null);
    assertThat(walked).containsExactlyElementsOf(all.stream().map(e -> e.getString("id")).toList());

    String narrowed =
        AUDIT
            + "?actor="
            + adminId
            + "&action=user.role_changed&targetType=user&target="
            + user.id()
            + "&from="
            + start
            + "&to="
            + Instant.now().plusSeconds(1);
    assertThat(items(api.get(narrowed, admin))).hasSize(5);
    assertThat(items(api.get(AUDIT + "?target=" + user.id() + "&action=user.deactivated", admin)))
        .isEmpty();
    assertThat(items(api.get(AUDIT + "?target=" + user.id() + "&targetType=order", admin)))
        .isEmpty();
    assertThat(items(api.get(AUDIT + "?target=" + user.id() + "&actor=" + user.id(), admin)))
        .isEmpty();
    assertThat(items(api.get(AUDIT + "?target=" + user.id() + "&to=" + start, admin))).isEmpty();
    assertThat(
            items(
                api.get(
                    AUDIT + "?target=" + user.id() + "&from=" + Instant.now().plusSeconds(60),
                    admin)))
        .isEmpty();
  }

  @Test
  void onlyAdminsReadTheLogAndBadFiltersAre422(Api api) {
    String admin = admin(api);
    assertThat(api.get(AUDIT).status()).isEqualTo(401);
    assertThat(api.get(AUDIT, Accounts.signedIn(api, null).accessToken()).status()).isEqualTo(403);
    assertThat(api.get(AUDIT, Accounts.signedIn(api, "seller").accessToken()).status())
        .isEqualTo(403);
    for (String bad :
        new String[] {
          "?who=me",
          "?actor=nobody",
          "?action=refunds",
          "?targetType=Order!",
          "?from=yesterday",
          "?from=2026-02-01&to=2026-01-01",
          "?limit=0",
          "?limit=101",
          "?cursor=abc",
          "?target=",
          "?action=user.deactivated&action=user.reactivated"
        }) {
      Api.Response r = api.get(AUDIT + bad, admin);
      assertThat(r.status()).as(bad + " " + r).isEqualTo(422);
      assertThat(r.header("Content-Type")).startsWith("application/problem+json");
      assertThat(r.json().getJsonArray("errors")).as(bad).isNotEmpty();
    }
  }

  /** One entry, read again by its target and its own instant. */
  private static JsonObject reread(Api api, String admin, JsonObject entry) {
    Instant at = Instant.parse(entry.getString("at"));
    List<JsonObject> same =
        items(
                api.get(
                    AUDIT
                        + "?target="
                        + entry.getJsonObject("target").getString("id")
                        + "&from="
                        + at
                        + "&to="
                        + at.plusMillis(1)
                        + "&limit=100",
                    admin))
            .stream()
            .filter(e -> e.getString("id").equals(entry.getString("id")))
            .toList();
    assertThat(same).hasSize(1);
    return same.get(0);
  }

  @Test
  void theLogCannotBeEditedOrDeleted(Api api) {
    String admin = admin(api);
    String adminId = adminId(api, admin);
    api.await(
        ARRIVES,
        () -> api.get(AUDIT + "?actor=" + adminId + "&limit=1", admin),
        r -> r.status() == 200 && !r.json().getJsonArray("items").isEmpty());
    JsonObject original =
        reread(api, admin, items(api.get(AUDIT + "?actor=" + adminId + "&limit=1", admin)).get(0));
    String id = original.getString("id");
    for (HttpMethod method :
        new HttpMethod[] {HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE}) {
      assertThat(api.send(method, AUDIT, admin, new JsonObject(), Map.of()).status())
          .as(method.name())
          .isEqualTo(405);
      assertThat(api.send(method, AUDIT + "/" + id, admin, new JsonObject(), Map.of()).status())
          .as(method.name())
          .isEqualTo(404);
    }
    // not even the service's own database account can change or remove a row
    for (String sql :
        new String[] {
          "UPDATE identity.audit_log SET action = 'nothing.happened' WHERE id = $1",
          "DELETE FROM identity.audit_log WHERE id = $1"
        }) {
      Throwable refused =
          TestPlatform.db()
              .preparedQuery(sql)
              .execute(Tuple.of(UUID.fromString(id)))
              .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause()))
              .await();
      assertThat(refused).as(sql).isNotNull().hasMessageContaining("append-only");
    }
    Throwable truncate =
        TestPlatform.db()
            .query("TRUNCATE identity.audit_log")
            .execute()
            .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause()))
            .await();
    assertThat(truncate).isNotNull().hasMessageContaining("append-only");
    assertThat(reread(api, admin, original)).isEqualTo(original);
  }

  @Test
  void aRecordKafkaDeliversTwiceIsLoggedOnce(Api api) throws Exception {
    String admin = admin(api);
    String target = UUID.randomUUID().toString();
    String eventId = UUID.randomUUID().toString();
    byte[] record =
        AuditRecorded.newBuilder()
            .setEventId(eventId)
            .setOccurredAt(Instant.now().toString())
            .setService("catalog")
            .setActorRole("admin")
            .setActorId(UUID.randomUUID().toString())
            .setAction("inventory.adjusted")
            .setTargetType("sku")
            .setTargetId(target)
            .setBefore("{\"available\":1}")
            .setAfter("{\"available\":2}")
            .setRequestId("twice")
            .build()
            .toByteArray();
    // twice as Kafka redelivers (same record id), and once more as a relay that published it twice
    // would
    PublishedEvents.publish(
        "audit.events",
        target,
        "AuditRecorded",
        record,
        List.of(eventId, eventId, UUID.randomUUID().toString()));
    // a marker after the copies, on their partition: once it is in, every copy has been applied
    String markerId = UUID.randomUUID().toString();
    PublishedEvents.publish(
        "audit.events",
        target,
        "AuditRecorded",
        AuditRecorded.parseFrom(record).toBuilder()
            .setEventId(markerId)
            .setRequestId("marker")
            .build()
            .toByteArray(),
        List.of(markerId));
    List<JsonObject> entries = entriesOf(api, admin, target, 2);
    Set<String> ids = new HashSet<>(entries.stream().map(e -> e.getString("id")).toList());
    assertThat(ids)
        .containsExactlyInAnyOrder(
            eventId,
            entries.stream()
                .filter(e -> "marker".equals(e.getString("requestId")))
                .findFirst()
                .orElseThrow()
                .getString("id"));
    JsonObject once =
        entries.stream().filter(e -> e.getString("id").equals(eventId)).findFirst().orElseThrow();
    assertThat(once.getJsonObject("after")).isEqualTo(new JsonObject().put("available", 2));
  }
}
