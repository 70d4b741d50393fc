package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.proto.events.v1.CatalogEvent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPlatform.class)
class InventoryIT {

  private static String product(Api api, String token, int stock, int threshold) {
    String sku = "INV-" + UUID.randomUUID().toString().substring(0, 8);
    JsonObject body =
        new JsonObject()
            .put("name", "Candle")
            .put("price", 800)
            .put("currency", "usd")
            .put("lowStockThreshold", threshold)
            .put(
                "variants",
                new JsonArray().add(new JsonObject().put("sku", sku).put("stock", stock)));
    Api.Response r = api.post("/api/v1/products", token, body);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return sku;
  }

  private static Api.Response put(Api api, String sku, String token, JsonObject body) {
    return api.send(HttpMethod.PUT, "/api/v1/inventory/" + sku, token, body, Map.of());
  }

  @Test
  void sellersSetAndMoveStockButNeverBelowZero(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String sku = product(api, seller.accessToken(), 10, 2);
    Api.Response set = put(api, sku, seller.accessToken(), new JsonObject().put("available", 25));
    assertThat(set.status()).as(set.toString()).isEqualTo(200);
    assertThat(set.json().getInteger("available")).isEqualTo(25);
    assertThat(
            put(api, sku, seller.accessToken(), new JsonObject().put("delta", -5))
                .json()
                .getInteger("available"))
        .isEqualTo(20);
    Api.Response below = put(api, sku, seller.accessToken(), new JsonObject().put("delta", -21));
    assertThat(below.status()).isEqualTo(409);
    assertThat(put(api, sku, seller.accessToken(), new JsonObject().put("available", -1)).status())
        .isEqualTo(409);
    assertThat(
            put(
                    api,
                    sku,
                    seller.accessToken(),
                    new JsonObject().put("available", 1).put("delta", 1))
                .status())
        .isEqualTo(422);
    assertThat(put(api, sku, seller.accessToken(), new JsonObject()).status()).isEqualTo(422);
    assertThat(put(api, sku, seller.accessToken(), new JsonObject().put("delta", 1.5)).status())
        .isEqualTo(422);

    Pool db = TestPlatform.db();
    var rows =
        db.preparedQuery(
                "SELECT actor_id, change, before, after FROM catalog.inventory_changes WHERE sku = $1 ORDER BY id")
            .execute(Tuple.of(sku))
            .await();
    List<String> log = new ArrayList<>();
    rows.forEach(
        r ->
            log.add(
                r.getUUID("actor_id")
                    + " "
                    + r.getString("change")
                    + " "
                    + r.getInteger("before")
                    + "->"
                    + r.getInteger("after")));
    assertThat(log).containsExactly(seller.id() + " set 10->25", seller.id() + " delta 25->20");
  }

  @Test
  void onlyTheSellerOfTheVariantOrAnAdminChangesIt(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    Accounts.Account rival = Accounts.signedIn(api, "seller");
    Accounts.Account customer = Accounts.signedIn(api, null);
    String sku = product(api, seller.accessToken(), 10, 2);
    assertThat(put(api, sku, rival.accessToken(), new JsonObject().put("available", 0)).status())
        .isEqualTo(403);
    assertThat(put(api, sku, customer.accessToken(), new JsonObject().put("available", 0)).status())
        .isEqualTo(403);
    assertThat(
            put(api, "NO-SUCH-SKU", seller.accessToken(), new JsonObject().put("available", 0))
                .status())
        .isEqualTo(404);
    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    assertThat(
            put(api, sku, admin, new JsonObject().put("delta", 1)).json().getInteger("available"))
        .isEqualTo(11);
  }

  @Test
  void crossingTheThresholdPublishesLowStockAndBackInStock(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String sku = product(api, seller.accessToken(), 10, 3);
    put(api, sku, seller.accessToken(), new JsonObject().put("available", 5));
    put(api, sku, seller.accessToken(), new JsonObject().put("available", 3));
    put(api, sku, seller.accessToken(), new JsonObject().put("available", 1));
    put(api, sku, seller.accessToken(), new JsonObject().put("available", 8));

    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", TestPlatform.config().kafkaBootstrapServers),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      List<TopicPartition> partitions = List.of();
      while (partitions.isEmpty()
          && System.nanoTime() < deadline) { // the relay creates the topic with its first event
        partitions =
            consumer.partitionsFor("catalog.events", Duration.ofSeconds(2)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (seen.size() < 2 && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          try {
            CatalogEvent e = CatalogEvent.parseFrom(record.value());
            var change = e.hasStockLow() ? e.getStockLow() : e.getBackInStock();
            if (change.getSku().equals(sku)) {
              seen.add(e.getKindCase() + " " + change.getAvailable() + "/" + change.getThreshold());
            }
          } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
            throw new AssertionError(ex);
          }
        }
      }
    }
    assertThat(seen).containsExactly("STOCK_LOW 3/3", "BACK_IN_STOCK 8/3");
  }
}
