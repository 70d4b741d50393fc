package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.Reservation;
import io.emporium.proto.catalog.v1.ReservationRef;
import io.emporium.proto.catalog.v1.ReserveStockRequest;
import io.emporium.proto.catalog.v1.ReservedItem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Checkout's stock reservations, called over the catalog's gRPC contract as the ordering service
 * will.
 */
@ExtendWith(TestPlatform.class)
class ReservationsIT {
  private static GrpcCalls catalog;

  @BeforeAll
  static void connect() {
    catalog = TestPlatform.grpc(EmporiumConfig.Service.CATALOG);
  }

  private static String sku(Api api, int stock) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String sku = "RSV-" + UUID.randomUUID().toString().substring(0, 8);
    Api.Response r =
        api.post(
            "/api/v1/products",
            seller.accessToken(),
            new JsonObject()
                .put("name", "Kettle")
                .put("price", 3000)
                .put("currency", "usd")
                .put(
                    "variants",
                    new JsonArray().add(new JsonObject().put("sku", sku).put("stock", stock))));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return sku;
  }

  private static Future<Reservation> reserve(UUID order, int ttl, ReservedItem... items) {
    return catalog.call(
        CatalogGrpcClient.ReserveStock,
        ReserveStockRequest.newBuilder()
            .setOrderId(order.toString())
            .setTtlSeconds(ttl)
            .addAllItems(List.of(items))
            .build(),
        CallContext.service("reservations-it", "ordering"));
  }

  private static ReservedItem item(String sku, int quantity) {
    return ReservedItem.newBuilder().setSku(sku).setQuantity(quantity).build();
  }

  private static Row level(String sku) {
    return TestPlatform.db()
        .preparedQuery("SELECT stock, reserved FROM catalog.variants WHERE sku = $1")
        .execute(Tuple.of(sku))
        .await()
        .iterator()
        .next();
  }

  private static Reservation settle(boolean commit, UUID order) {
    return catalog
        .call(
            commit ? CatalogGrpcClient.CommitReservation : CatalogGrpcClient.ReleaseReservation,
            ReservationRef.newBuilder().setOrderId(order.toString()).build(),
            CallContext.service("reservations-it", "ordering"))
        .await();
  }

  @Test
  void aVariantWithStockHeldForAnOrderCannotBeRemovedUntilItSettles(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String held = "HELD-" + UUID.randomUUID().toString().substring(0, 8);
    Api.Response created =
        api.post(
            "/api/v1/products",
            seller.accessToken(),
            new JsonObject()
                .put("name", "Kettle")
                .put("price", 3000)
                .put("currency", "usd")
                .put(
                    "variants",
                    new JsonArray().add(new JsonObject().put("sku", held).put("stock", 5))));
    String id = created.json().getString("id");
    UUID order = UUID.randomUUID();
    reserve(order, 600, item(held, 2)).await();
    JsonObject replace =
        new JsonObject()
            .put(
                "variants",
                new JsonArray().add(new JsonObject().put("sku", held + "-NEW").put("stock", 5)));
    Api.Response refused =
        api.send(
            io.vertx.core.http.HttpMethod.PATCH,
            "/api/v1/products/" + id,
            seller.accessToken(),
            replace,
            java.util.Map.of());
    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    settle(false, order);
    Api.Response done =
        api.send(
            io.vertx.core.http.HttpMethod.PATCH,
            "/api/v1/products/" + id,
            seller.accessToken(),
            replace,
            java.util.Map.of());
    assertThat(done.status()).as(done.toString()).isEqualTo(200);
    assertThat(
            reserve(UUID.randomUUID(), 600, item(held, 1))
                .transform(ar -> Future.succeededFuture(ar.failed()))
                .await())
        .as("a removed variant cannot be reserved")
        .isTrue();
  }

  @Test
  void twoHundredBuyersRaceForFiftyUnitsAndExactlyFiftyWin(Api api) {
    String sku = sku(api, 50);
    List<UUID> orders = new ArrayList<>();
    List<Future<Reservation>> attempts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      UUID order = UUID.randomUUID();
      orders.add(order);
      attempts.add(reserve(order, 600, item(sku, 1)));
    }
    Future.join(attempts).transform(ar -> Future.succeededFuture()).await();
    List<UUID> won = new ArrayList<>();
    for (int i = 0; i < attempts.size(); i++) {
      Future<Reservation> a = attempts.get(i);
      if (a.succeeded()) {
        won.add(orders.get(i));
      } else {
        assertThat(((ApiProblem) a.cause()).status()).as(a.cause().toString()).isEqualTo(409);
      }
    }
    assertThat(won).hasSize(50);
    Row after = level(sku);
    assertThat(after.getInteger("stock")).isEqualTo(50);
    assertThat(after.getInteger("reserved")).isEqualTo(50);

    won.forEach(order -> assertThat(settle(false, order).getStatus()).isEqualTo("released"));
    assertThat(level(sku).getInteger("reserved")).as("releasing returns every unit").isZero();
  }

  @Test
  void anOrderGetsAllItsItemsOrNoneAndRepeatsAreFree(Api api) {
    String plenty = sku(api, 10);
    String scarce = sku(api, 1);
    UUID greedy = UUID.randomUUID();
    ApiProblem refused =
        (ApiProblem)
            reserve(greedy, 600, item(plenty, 3), item(scarce, 2))
                .transform(ar -> Future.succeededFuture(ar.cause()))
                .await();
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.detail()).contains(scarce).doesNotContain(plenty);
    assertThat(level(plenty).getInteger("reserved")).as("none of the order was held").isZero();

    UUID order = UUID.randomUUID();
    Reservation first = reserve(order, 600, item(plenty, 3), item(scarce, 1)).await();
    Reservation again = reserve(order, 600, item(plenty, 3), item(scarce, 1)).await();
    assertThat(again).isEqualTo(first);
    assertThat(level(plenty).getInteger("reserved"))
        .as("the repeat held nothing more")
        .isEqualTo(3);

    assertThat(settle(true, order).getStatus()).isEqualTo("committed");
    assertThat(settle(true, order).getStatus())
        .as("committing twice is one commit")
        .isEqualTo("committed");
    Row sold = level(plenty);
    assertThat(sold.getInteger("stock")).isEqualTo(7);
    assertThat(sold.getInteger("reserved")).isZero();
    ApiProblem late =
        (ApiProblem)
            catalog
                .call(
                    CatalogGrpcClient.ReleaseReservation,
                    ReservationRef.newBuilder().setOrderId(order.toString()).build(),
                    CallContext.service("r", "ordering"))
                .transform(ar -> Future.succeededFuture(ar.cause()))
                .await();
    assertThat(late.status()).isEqualTo(409);
  }

  @Test
  void aReserveArrivingAfterItsReleaseHoldsNothing(Api api) {
    String sku = sku(api, 5);
    UUID order = UUID.randomUUID();
    assertThat(settle(false, order).getStatus())
        .as("released before it was made")
        .isEqualTo("released");
    Reservation late = reserve(order, 600, item(sku, 2)).await();
    assertThat(late.getStatus()).isEqualTo("released");
    assertThat(late.getItemsList()).isEmpty();
    assertThat(level(sku).getInteger("reserved")).isZero();
  }

  @Test
  void onlyAServiceMayMoveReservations(Api api) {
    String sku = sku(api, 5);
    Accounts.Account customer = Accounts.signedIn(api, "customer");
    ReserveStockRequest request =
        ReserveStockRequest.newBuilder()
            .setOrderId(UUID.randomUUID().toString())
            .setTtlSeconds(60)
            .addItems(item(sku, 1))
            .build();
    ApiProblem anonymous =
        (ApiProblem)
            catalog
                .call(CatalogGrpcClient.ReserveStock, request, CallContext.anonymous("r"))
                .transform(ar -> Future.succeededFuture(ar.cause()))
                .await();
    assertThat(anonymous.status()).isEqualTo(401);
    ApiProblem user =
        (ApiProblem)
            catalog
                .call(
                    CatalogGrpcClient.ReserveStock,
                    request,
                    new CallContext("r", customer.id(), "customer"))
                .transform(ar -> Future.succeededFuture(ar.cause()))
                .await();
    assertThat(user.status()).isEqualTo(403);
    assertThat(level(sku).getInteger("reserved")).isZero();
  }

  @Test
  void expiredReservationsAreReleasedBySweeper(Api api) throws InterruptedException {
    String sku = sku(api, 5);
    UUID order = UUID.randomUUID();
    reserve(order, 1, item(sku, 4)).await();
    assertThat(level(sku).getInteger("reserved")).isEqualTo(4);
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (level(sku).getInteger("reserved") != 0 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(level(sku).getInteger("reserved")).isZero();
    assertThat(settle(false, order).getStatus()).isEqualTo("released");
  }
}
