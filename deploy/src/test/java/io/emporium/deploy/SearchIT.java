package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPlatform.class)
class SearchIT {
  private static final Random RANDOM = new Random();

  /** A made-up word no other test uses, so a search for it sees only this test's products. */
  private static String word() {
    StringBuilder w = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      w.append((char) ('a' + RANDOM.nextInt(26)));
    }
    return w.toString();
  }

  private static String q(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static JsonObject product(
      Api api, String token, String name, String description, long price, int stock) {
    JsonObject body =
        new JsonObject()
            .put("name", name)
            .put("price", price)
            .put("currency", "usd")
            .put("stock", stock);
    if (!description.isEmpty()) {
      body.put("description", description);
    }
    Api.Response r = api.post("/api/v1/products", token, body);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  private static List<String> names(Api.Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getJsonArray("items").stream()
        .map(p -> ((JsonObject) p).getString("name"))
        .toList();
  }

  private static String admin(Api api) {
    return Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
  }

  private static String category(Api api, String token, String parentId) {
    JsonObject body =
        new JsonObject().put("name", "Shelf " + UUID.randomUUID().toString().substring(0, 8));
    if (parentId != null) {
      body.put("parentId", parentId);
    }
    Api.Response r = api.post("/api/v1/categories", token, body);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  @Test
  void aWordInTheNameRanksAboveTheSameWordInADescription(Api api) {
    String token = Accounts.signedIn(api, "seller").accessToken();
    String w = word();
    product(api, token, "Plain mug", "A mug they call the " + w, 900, 3);
    product(api, token, "The " + w + " lamp", "Warm light", 4_000, 3);
    product(api, token, "Unrelated chair", "Oak", 9_000, 3);
    assertThat(names(api.get("/api/v1/products?q=" + w)))
        .containsExactly("The " + w + " lamp", "Plain mug");
  }

  @Test
  void aMisspelledWordStillFindsTheProduct(Api api) {
    String token = Accounts.signedIn(api, "seller").accessToken();
    String w = word();
    product(api, token, "Copper " + w + " kettle", "Boils fast", 6_500, 4);
    String typo = w.substring(0, 4) + w.charAt(5) + w.charAt(4) + w.substring(6);
    assertThat(names(api.get("/api/v1/products?q=" + q(typo + " kettle"))))
        .containsExactly("Copper " + w + " kettle");
    assertThat(names(api.get("/api/v1/products?q=" + q(word())))).isEmpty();
  }

  @Test
  void filtersNarrowByCategoryAndItsSubcategoriesSellerPriceAndStock(Api api) {
    String admin = admin(api);
    String parent = category(api, admin, null);
    String child = category(api, admin, parent);
    String other = category(api, admin, null);
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String w = word();
    for (Object[] p :
        new Object[][] {
          {"Cheap " + w, child, 500L, 2},
          {"Dear " + w, parent, 20_000L, 2},
          {"Gone " + w, child, 800L, 0},
          {"Elsewhere " + w, other, 700L, 1}
        }) {
      Api.Response r =
          api.post(
              "/api/v1/products",
              seller.accessToken(),
              new JsonObject()
                  .put("name", p[0])
                  .put("categoryId", p[1])
                  .put("price", p[2])
                  .put("currency", "usd")
                  .put("stock", p[3]));
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }
    String base = "/api/v1/products?sort=price&q=" + w;
    assertThat(names(api.get(base + "&category=" + parent)))
        .containsExactly("Cheap " + w, "Gone " + w, "Dear " + w);
    assertThat(names(api.get(base + "&category=" + child)))
        .containsExactly("Cheap " + w, "Gone " + w);
    assertThat(names(api.get("/api/v1/categories/" + parent + "/products?sort=price&q=" + w)))
        .containsExactly("Cheap " + w, "Gone " + w, "Dear " + w);
    assertThat(names(api.get(base + "&minPrice=600&maxPrice=20000")))
        .containsExactly("Elsewhere " + w, "Gone " + w, "Dear " + w);
    assertThat(names(api.get(base + "&inStock=true")))
        .containsExactly("Cheap " + w, "Elsewhere " + w, "Dear " + w);
    assertThat(names(api.get("/api/v1/products?sort=-price&seller=" + seller.id())))
        .containsExactly("Dear " + w, "Gone " + w, "Elsewhere " + w, "Cheap " + w);
    Api.Response unknown = api.get("/api/v1/categories/" + UUID.randomUUID() + "/products");
    assertThat(unknown.status()).isEqualTo(404);
  }

  @Test
  void onlyActiveProductsAreListed(Api api) {
    String token = Accounts.signedIn(api, "seller").accessToken();
    String w = word();
    product(api, token, "Live " + w, "", 100, 1);
    JsonObject deleted = product(api, token, "Deleted " + w, "", 100, 1);
    assertThat(api.delete("/api/v1/products/" + deleted.getString("id"), token).status())
        .isEqualTo(204);
    Api.Response draft =
        api.post(
            "/api/v1/products",
            token,
            new JsonObject()
                .put("name", "Draft " + w)
                .put("price", 100)
                .put("currency", "usd")
                .put("status", "draft"));
    assertThat(draft.status()).isEqualTo(201);
    assertThat(names(api.get("/api/v1/products?q=" + w))).containsExactly("Live " + w);
  }

  /**
   * Searches run in the catalog's memory; each waits until every change committed before it is in,
   * whoever wrote it. These writes go straight to the database, past the catalog service, and each
   * search is one the edge never cached.
   */
  @Test
  void aSearchSeesEveryChangeCommittedBeforeItWhoeverMadeIt(Api api) {
    String w = word();
    String name = "Written in SQL " + w;
    UUID id = UUID.randomUUID();
    Pool db = TestPlatform.db();
    db.preparedQuery(
            "INSERT INTO catalog.products (id, seller_id, name, price, currency, status) "
                + "VALUES ($1, $2, $3, 1500, 'usd', 'active')")
        .execute(Tuple.of(id, UUID.randomUUID(), name))
        .await();
    assertThat(names(api.get("/api/v1/products?q=" + w))).containsExactly(name);
    assertThat(names(api.get("/api/v1/products?inStock=true&q=" + w))).isEmpty();

    db.preparedQuery("INSERT INTO catalog.variants (sku, product_id, stock) VALUES ($1, $2, 2)")
        .execute(Tuple.of("sql-" + w, id))
        .await();
    db.preparedQuery("UPDATE catalog.products SET price = 99 WHERE id = $1")
        .execute(Tuple.of(id))
        .await();
    Api.Response cheap = api.get("/api/v1/products?inStock=true&maxPrice=100&q=" + w);
    assertThat(names(cheap)).containsExactly(name);
    JsonObject shown = cheap.json().getJsonArray("items").getJsonObject(0);
    assertThat(shown.getLong("price")).isEqualTo(99);
    assertThat(shown.getJsonArray("variants").getJsonObject(0).getInteger("available"))
        .isEqualTo(2);

    db.preparedQuery("UPDATE catalog.variants SET reserved = 2 WHERE sku = $1")
        .execute(Tuple.of("sql-" + w))
        .await();
    assertThat(names(api.get("/api/v1/products?inStock=true&sort=price&q=" + w))).isEmpty();
    Api.Response held = api.get("/api/v1/products?sort=newest&q=" + w);
    assertThat(
            held.json()
                .getJsonArray("items")
                .getJsonObject(0)
                .getJsonArray("variants")
                .getJsonObject(0)
                .getInteger("available"))
        .as("the page shows the product as it is now, not as a page showed it before")
        .isZero();

    db.preparedQuery(
            "INSERT INTO catalog.product_images (id, product_id, position, url) VALUES ($1, $2, 0, $3)")
        .execute(Tuple.of(UUID.randomUUID(), id, "https://images.example/" + w + ".jpg"))
        .await();
    Api.Response pictured = api.get("/api/v1/products?sort=rating&q=" + w);
    assertThat(names(pictured)).containsExactly(name);
    assertThat(
            pictured
                .json()
                .getJsonArray("items")
                .getJsonObject(0)
                .getJsonArray("images")
                .getJsonObject(0)
                .getString("url"))
        .isEqualTo("https://images.example/" + w + ".jpg");

    db.preparedQuery("UPDATE catalog.products SET status = 'archived' WHERE id = $1")
        .execute(Tuple.of(id))
        .await();
    assertThat(names(api.get("/api/v1/products?sort=-price&q=" + w))).isEmpty();
  }

  /**
   * A change made while the catalog's listener was cut off is never announced: on reconnecting the
   * catalog reads everything again and forgets the pages it kept.
   */
  @Test
  void aChangeMadeWhileTheListenerWasCutOffIsSeenOnceItIsBack(Api api) {
    String w = word();
    String token = Accounts.signedIn(api, "seller").accessToken();
    String id = product(api, token, "Cut off " + w, "", 700, 1).getString("id");
    Api.Response before = api.get("/api/v1/products?sort=price&q=" + w);
    assertThat(before.json().getJsonArray("items").getJsonObject(0).getLong("price"))
        .isEqualTo(700);

    Pool db = TestPlatform.db();
    db.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                + "WHERE application_name = 'emporium-catalog-search'")
        .execute()
        .await();
    db.preparedQuery("UPDATE catalog.products SET price = 650 WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(id)))
        .await();

    Api.Response after = null;
    for (int attempt = 0; attempt < 60; attempt++) {
      // a new listing each time: the edge keeps answers, and a search may wait out the reconnect
      // (503)
      after = api.get("/api/v1/products?sort=-price&limit=" + (attempt + 2) + "&q=" + w);
      if (after.status() == 200) {
        break;
      }
      assertThat(after.status()).as(after.toString()).isEqualTo(503);
    }
    assertThat(after.status()).as(after.toString()).isEqualTo(200);
    assertThat(after.json().getJsonArray("items").getJsonObject(0).getLong("price")).isEqualTo(650);
  }

  /** A change of many products at once has the catalog read every product again; a search waits. */
  @Test
  void aSearchRightAfterABulkChangeSeesAllOfIt(Api api) {
    String w = word();
    TestPlatform.db()
        .preparedQuery(
            "INSERT INTO catalog.products (id, seller_id, name, price, currency, status) "
                + "SELECT gen_random_uuid(), $1, 'Bulk ' || $2 || ' ' || n, 100 + n, 'usd', 'active' "
                + "FROM generate_series(1, 300) n")
        .execute(Tuple.of(UUID.randomUUID(), w))
        .await();
    Api.Response r = api.get("/api/v1/products?limit=1&q=" + w);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getLong("total")).isEqualTo(300);
  }

  @Test
  void keysetPagesVisitEveryProductOnceInEachOrderEvenWhenProductsArriveMeanwhile(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String w = word();
    long[] prices = {700, 300, 300, 900, 100, 500, 300};
    for (int i = 0; i < prices.length; i++) {
      product(api, seller.accessToken(), "Item " + i + " " + w, "", prices[i], 1);
    }
    for (String sort : List.of("price", "-price", "newest", "rating", "relevance")) {
      List<String> seen = new ArrayList<>();
      List<Long> seenPrices = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        Api.Response r =
            api.get(
                "/api/v1/products?limit=2&q="
                    + w
                    + "&sort="
                    + sort
                    + (cursor == null ? "" : "&cursor=" + cursor));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        r.json()
            .getJsonArray("items")
            .forEach(
                p -> {
                  seen.add(((JsonObject) p).getString("id"));
                  seenPrices.add(((JsonObject) p).getLong("price"));
                });
        cursor = r.json().getString("nextCursor");
        if (pages++ == 0) {
          product(api, seller.accessToken(), "Late " + sort + " " + w, "", 50, 1);
        }
      } while (cursor != null);
      assertThat(seen).as(sort).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(prices.length);
      if (sort.equals("price")) {
        assertThat(seenPrices).isSorted();
      }
      if (sort.equals("-price")) {
        assertThat(seenPrices).isSortedAccordingTo((a, b) -> Long.compare(b, a));
      }
    }
  }

  @Test
  void theFirstPageCarriesFacetsAndTheTotal(Api api) {
    String admin = admin(api);
    String shelf = category(api, admin, null);
    String token = Accounts.signedIn(api, "seller").accessToken();
    String w = word();
    for (long price : new long[] {500, 1_500, 1_800, 30_000}) {
      Api.Response r =
          api.post(
              "/api/v1/products",
              token,
              new JsonObject()
                  .put("name", "Facet " + w)
                  .put("categoryId", shelf)
                  .put("price", price)
                  .put("currency", "usd"));
      assertThat(r.status()).isEqualTo(201);
    }
    product(api, token, "Loose " + w, "", 2_000, 1);
    Api.Response r = api.get("/api/v1/products?limit=1&q=" + w);
    assertThat(r.status()).isEqualTo(200);
    JsonObject body = r.json();
    assertThat(body.getLong("total")).isEqualTo(5);
    JsonArray categories = body.getJsonObject("facets").getJsonArray("categories");
    assertThat(categories.getJsonObject(0).getString("categoryId")).isEqualTo(shelf);
    assertThat(categories.getJsonObject(0).getLong("count")).isEqualTo(4);
    assertThat(categories.getJsonObject(1).getValue("categoryId")).isNull();
    List<Long> counts =
        body.getJsonObject("facets").getJsonArray("priceRanges").stream()
            .map(x -> ((JsonObject) x).getLong("count"))
            .toList();
    assertThat(counts).containsExactly(1L, 3L, 0L, 0L, 0L, 1L);
    Api.Response next =
        api.get("/api/v1/products?limit=1&q=" + w + "&cursor=" + body.getString("nextCursor"));
    assertThat(next.json().containsKey("facets")).isFalse();
  }

  @Test
  void everyBadParameterIs422AndNothingReachesSqlButAsAValue(Api api) {
    for (String bad :
        List.of(
            "sort=cheapest",
            "sort=price;drop",
            "limit=101",
            "limit=0",
            "limit=ten",
            "minPrice=-1",
            "maxPrice=1.5",
            "minPrice=10&maxPrice=5",
            "inStock=yes",
            "category=shoes",
            "seller=1",
            "cursor=xyz",
            "colour=red",
            "sort=relevance",
            "q=" + "a".repeat(201))) {
      Api.Response r = api.get("/api/v1/products?" + bad);
      assertThat(r.status()).as(bad + " " + r).isEqualTo(422);
      assertThat(r.header("Content-Type")).startsWith("application/problem+json");
      assertThat(r.json().getJsonArray("errors")).as(bad).isNotEmpty();
    }
    Api.Response page = api.get("/api/v1/products?limit=1&sort=price");
    assertThat(page.status()).isEqualTo(200);
    Api.Response crossed =
        api.get("/api/v1/products?sort=newest&cursor=" + page.json().getString("nextCursor"));
    assertThat(crossed.status()).isEqualTo(422);
    for (String hostile :
        List.of("'; DROP TABLE catalog.products; --", "a & b | !c", ":* <-> (", "%_\\")) {
      assertThat(api.get("/api/v1/products?q=" + q(hostile)).status()).as(hostile).isEqualTo(200);
    }
  }
}
