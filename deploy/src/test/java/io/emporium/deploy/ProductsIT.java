package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPlatform.class)
class ProductsIT {

  private static JsonObject shirt(String tag) {
    return new JsonObject()
        .put("name", "Linen shirt")
        .put("description", "Cool and crisp")
        .put("price", 4500)
        .put("currency", "usd")
        .put(
            "variants",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("sku", "SHIRT-M-" + tag)
                        .put("attributes", new JsonObject().put("size", "M"))
                        .put("stock", 7))
                .add(
                    new JsonObject()
                        .put("sku", "SHIRT-L-" + tag)
                        .put("attributes", new JsonObject().put("size", "L"))
                        .put("price", 4900)
                        .put("stock", 2)));
  }

  private static String tag() {
    return UUID.randomUUID().toString().substring(0, 8).toUpperCase();
  }

  private static java.util.List<String> fields(Api.Response r) {
    return r.json().getJsonArray("errors").stream()
        .map(e -> ((JsonObject) e).getString("field"))
        .toList();
  }

  @Test
  void aSellerListsAProductWithVariantsThatAnyoneCanRead(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    Api.Response created = api.post("/api/v1/products", seller.accessToken(), shirt(tag()));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    JsonObject p = created.json();
    assertThat(p.getString("status")).isEqualTo("active");
    assertThat(p.getString("sellerId")).isEqualTo(seller.id());
    assertThat(p.getJsonArray("variants")).hasSize(2);
    assertThat(p.getJsonArray("variants").getJsonObject(0).getInteger("available")).isEqualTo(7);
    assertThat(p.getJsonArray("variants").getJsonObject(0).getLong("price")).isEqualTo(4500L);
    assertThat(p.getJsonArray("variants").getJsonObject(1).getLong("price")).isEqualTo(4900L);
    Api.Response read = api.get("/api/v1/products/" + p.getString("id"));
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().getString("name")).isEqualTo("Linen shirt");
  }

  @Test
  void aProductWithoutVariantsGetsADefaultOne(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    Api.Response created =
        api.post(
            "/api/v1/products",
            seller.accessToken(),
            new JsonObject()
                .put("name", "Mug")
                .put("price", 1200)
                .put("currency", "eur")
                .put("stock", 30));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    JsonObject variant = created.json().getJsonArray("variants").getJsonObject(0);
    assertThat(variant.getString("sku")).matches("P-[0-9A-F]{12}");
    assertThat(variant.getInteger("stock")).isEqualTo(30);
  }

  @Test
  void customersAndAnonymousCannotListProducts(Api api) {
    Accounts.Account customer = Accounts.signedIn(api, null);
    assertThat(api.post("/api/v1/products", customer.accessToken(), shirt(tag())).status())
        .isEqualTo(403);
    assertThat(api.post("/api/v1/products", null, shirt(tag())).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/products/mine", customer.accessToken()).status()).isEqualTo(403);
  }

  @Test
  void badProductsAre422WithEveryFieldNamed(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    Api.Response money =
        api.post(
            "/api/v1/products",
            seller.accessToken(),
            new JsonObject().put("name", "").put("price", 12.5).put("currency", "usd"));
    assertThat(money.status()).isEqualTo(422);
    assertThat(fields(money)).contains("name", "price");
    Api.Response domain =
        api.post(
            "/api/v1/products",
            seller.accessToken(),
            new JsonObject().put("name", "x".repeat(201)).put("price", -1).put("currency", "USD"));
    assertThat(domain.status()).isEqualTo(422);
    assertThat(fields(domain)).contains("name", "price", "currency");
    String t = tag();
    JsonObject twins = shirt(t);
    twins.getJsonArray("variants").getJsonObject(1).put("sku", "SHIRT-M-" + t);
    Api.Response dup = api.post("/api/v1/products", seller.accessToken(), twins);
    assertThat(dup.status()).isEqualTo(422);
    assertThat(fields(dup)).contains("variants[1].sku");
    Api.Response category =
        api.post(
            "/api/v1/products",
            seller.accessToken(),
            shirt(tag()).put("categoryId", UUID.randomUUID().toString()));
    assertThat(category.status()).isEqualTo(422);
    assertThat(fields(category)).contains("categoryId");
    assertThat(api.get("/api/v1/products/mine", seller.accessToken()).json().getJsonArray("items"))
        .as("nothing was saved")
        .isEmpty();
  }

  @Test
  void aSkuBelongsToOneProduct(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String t = tag();
    assertThat(api.post("/api/v1/products", seller.accessToken(), shirt(t)).status())
        .isEqualTo(201);
    Api.Response again = api.post("/api/v1/products", seller.accessToken(), shirt(t));
    assertThat(again.status()).as(again.toString()).isEqualTo(409);
    assertThat(api.get("/api/v1/products/mine", seller.accessToken()).json().getJsonArray("items"))
        .hasSize(1);
  }

  @Test
  void draftsAreSeenOnlyByTheirSellerAndAdmins(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    Accounts.Account other = Accounts.signedIn(api, "seller");
    String id =
        api.post("/api/v1/products", seller.accessToken(), shirt(tag()).put("status", "draft"))
            .json()
            .getString("id");
    assertThat(api.get("/api/v1/products/" + id, seller.accessToken()).json().getString("status"))
        .isEqualTo("draft");
    assertThat(api.get("/api/v1/products/" + id, other.accessToken()).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/products/" + id).status()).isEqualTo(404);
    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    assertThat(api.get("/api/v1/products/" + id, admin).status()).isEqualTo(200);
  }

  @Test
  void withApprovalOnASellersNewProductWaitsForReview(Api api) {
    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    JsonObject before = api.get("/api/v1/admin/settings", admin).json();
    try {
      api.send(
          HttpMethod.PUT,
          "/api/v1/admin/settings",
          admin,
          before.copy().put("productApprovalRequired", true),
          Map.of());
      Api.Response waiting = api.post("/api/v1/products", seller.accessToken(), shirt(tag()));
      assertThat(waiting.json().getString("status")).isEqualTo("pending_review");
      assertThat(api.get("/api/v1/products/" + waiting.json().getString("id")).status())
          .as("not public yet")
          .isEqualTo(404);
      assertThat(api.post("/api/v1/products", admin, shirt(tag())).json().getString("status"))
          .isEqualTo("active");
    } finally {
      api.send(HttpMethod.PUT, "/api/v1/admin/settings", admin, before, Map.of());
    }
  }

  @Test
  void sellersPageThroughTheirOwnProducts(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    Accounts.Account other = Accounts.signedIn(api, "seller");
    for (int i = 0; i < 3; i++) {
      api.post(
          "/api/v1/products",
          seller.accessToken(),
          shirt(tag()).put("name", "Shirt " + i).put("status", i == 0 ? "draft" : "active"));
    }
    api.post("/api/v1/products", other.accessToken(), shirt(tag()));
    Api.Response first = api.get("/api/v1/products/mine?limit=2", seller.accessToken());
    assertThat(
            first.json().getJsonArray("items").stream()
                .map(o -> ((JsonObject) o).getString("name")))
        .containsExactly("Shirt 2", "Shirt 1");
    Api.Response second =
        api.get(
            "/api/v1/products/mine?limit=2&cursor=" + first.json().getString("nextCursor"),
            seller.accessToken());
    assertThat(second.json().getJsonArray("items").getJsonObject(0).getString("status"))
        .isEqualTo("draft");
    assertThat(second.json().getString("nextCursor")).isNull();
  }

  private static Api.Response send(
      Api api, HttpMethod method, String id, String token, JsonObject body) {
    return api.send(method, "/api/v1/products/" + id, token, body, Map.of());
  }

  @Test
  void theSellerChangesTheirProductWithPutAndPatch(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    JsonObject created =
        api.post("/api/v1/products", seller.accessToken(), shirt(tag()).put("lowStockThreshold", 4))
            .json();
    String id = created.getString("id");
    Api.Response patched =
        send(api, HttpMethod.PATCH, id, seller.accessToken(), new JsonObject().put("price", 3900));
    assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
    assertThat(patched.json().getLong("price")).isEqualTo(3900L);
    assertThat(patched.json().getString("name")).isEqualTo("Linen shirt");
    assertThat(patched.json().getInteger("lowStockThreshold")).isEqualTo(4);
    assertThat(patched.json().getJsonArray("variants")).as("variants are untouched").hasSize(2);

    Api.Response replaced =
        send(
            api,
            HttpMethod.PUT,
            id,
            seller.accessToken(),
            new JsonObject().put("name", "Hemp shirt").put("price", 5100).put("currency", "eur"));
    assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
    assertThat(replaced.json().getString("name")).isEqualTo("Hemp shirt");
    assertThat(replaced.json().getString("description"))
        .as("PUT clears what it does not name")
        .isEmpty();
    assertThat(replaced.json().getValue("lowStockThreshold")).isNull();

    Api.Response archived =
        send(
            api,
            HttpMethod.PATCH,
            id,
            seller.accessToken(),
            new JsonObject().put("status", "archived"));
    assertThat(archived.json().getString("status")).isEqualTo("archived");
    assertThat(api.get("/api/v1/products/" + id).status()).isEqualTo(404);
  }

  @Test
  void variantsAreReplacedAsASetBySku(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String t = tag();
    String id = api.post("/api/v1/products", seller.accessToken(), shirt(t)).json().getString("id");
    JsonArray wanted =
        new JsonArray()
            .add(
                new JsonObject()
                    .put("sku", "SHIRT-M-" + t)
                    .put("attributes", new JsonObject().put("size", "M").put("colour", "sand")))
            .add(
                new JsonObject()
                    .put("sku", "SHIRT-XL-" + t)
                    .put("attributes", new JsonObject().put("size", "XL"))
                    .put("price", 5200)
                    .put("stock", 3));
    Api.Response changed =
        send(
            api,
            HttpMethod.PATCH,
            id,
            seller.accessToken(),
            new JsonObject().put("variants", wanted));
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    JsonArray variants = api.get("/api/v1/products/" + id).json().getJsonArray("variants");
    assertThat(variants).hasSize(2);
    assertThat(variants.getJsonObject(0).getString("sku")).isEqualTo("SHIRT-M-" + t);
    assertThat(variants.getJsonObject(0).getInteger("stock"))
        .as("kept variants keep their stock")
        .isEqualTo(7);
    assertThat(variants.getJsonObject(0).getJsonObject("attributes").getString("colour"))
        .isEqualTo("sand");
    assertThat(variants.getJsonObject(1).getLong("price")).isEqualTo(5200L);
    assertThat(variants.getJsonObject(1).getInteger("available")).isEqualTo(3);
    assertThat(
            api.send(
                    HttpMethod.PUT,
                    "/api/v1/inventory/SHIRT-L-" + t,
                    seller.accessToken(),
                    new JsonObject().put("available", 1),
                    Map.of())
                .status())
        .as("a removed variant is gone")
        .isEqualTo(404);

    JsonObject restock =
        new JsonObject()
            .put(
                "variants",
                new JsonArray().add(new JsonObject().put("sku", "SHIRT-M-" + t).put("stock", 99)));
    JsonObject noStock =
        new JsonObject()
            .put("variants", new JsonArray().add(new JsonObject().put("sku", "NEW-" + t)));
    for (JsonObject bad : new JsonObject[] {restock, noStock}) {
      Api.Response r = send(api, HttpMethod.PATCH, id, seller.accessToken(), bad);
      assertThat(r.status()).as(bad.encode()).isEqualTo(422);
      assertThat(fields(r)).containsExactly("variants[0].stock");
    }
    String other = tag();
    api.post("/api/v1/products", seller.accessToken(), shirt(other));
    Api.Response taken =
        send(
            api,
            HttpMethod.PATCH,
            id,
            seller.accessToken(),
            new JsonObject()
                .put(
                    "variants",
                    new JsonArray()
                        .add(new JsonObject().put("sku", "SHIRT-M-" + other).put("stock", 1))));
    assertThat(taken.status()).isEqualTo(409);
    assertThat(api.get("/api/v1/products/" + id).json().getJsonArray("variants"))
        .as("refusals change nothing")
        .isEqualTo(variants);
  }

  @Test
  void onlyTheOwnerOrAnAdminChangesAProductAndBadChangesChangeNothing(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    Accounts.Account rival = Accounts.signedIn(api, "seller");
    Accounts.Account customer = Accounts.signedIn(api, null);
    String id =
        api.post("/api/v1/products", seller.accessToken(), shirt(tag())).json().getString("id");
    assertThat(
            send(api, HttpMethod.PATCH, id, rival.accessToken(), new JsonObject().put("price", 1))
                .status())
        .isEqualTo(403);
    assertThat(
            send(
                    api,
                    HttpMethod.PATCH,
                    id,
                    customer.accessToken(),
                    new JsonObject().put("price", 1))
                .status())
        .isEqualTo(403);
    assertThat(send(api, HttpMethod.DELETE, id, rival.accessToken(), null).status()).isEqualTo(403);
    for (JsonObject bad :
        new JsonObject[] {
          new JsonObject().put("price", -5),
          new JsonObject().put("currency", "dollars"),
          new JsonObject().put("name", ""),
          new JsonObject().put("status", "pending_review"),
          new JsonObject().put("variants", new JsonArray())
        }) {
      assertThat(send(api, HttpMethod.PATCH, id, seller.accessToken(), bad).status())
          .as(bad.encode())
          .isEqualTo(422);
    }
    JsonObject unchanged = api.get("/api/v1/products/" + id).json();
    assertThat(unchanged.getLong("price")).isEqualTo(4500L);
    assertThat(unchanged.getString("status")).isEqualTo("active");
    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    assertThat(
            send(api, HttpMethod.PATCH, id, admin, new JsonObject().put("price", 4000))
                .json()
                .getLong("price"))
        .isEqualTo(4000L);
    assertThat(
            send(
                    api,
                    HttpMethod.PATCH,
                    UUID.randomUUID().toString(),
                    seller.accessToken(),
                    new JsonObject().put("price", 1))
                .status())
        .isEqualTo(404);
  }

  @Test
  void deletingIsSoftAndFinal(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String id =
        api.post("/api/v1/products", seller.accessToken(), shirt(tag())).json().getString("id");
    assertThat(send(api, HttpMethod.DELETE, id, seller.accessToken(), null).status())
        .isEqualTo(204);
    assertThat(api.get("/api/v1/products/" + id, seller.accessToken()).status()).isEqualTo(404);
    assertThat(send(api, HttpMethod.DELETE, id, seller.accessToken(), null).status())
        .isEqualTo(404);
    assertThat(
            send(api, HttpMethod.PATCH, id, seller.accessToken(), new JsonObject().put("price", 1))
                .status())
        .isEqualTo(404);
    assertThat(api.get("/api/v1/products/mine", seller.accessToken()).json().getJsonArray("items"))
        .isEmpty();
  }

  @Test
  void withApprovalOnGoingLiveAgainWaitsForReview(Api api) {
    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String id =
        api.post("/api/v1/products", seller.accessToken(), shirt(tag()).put("status", "draft"))
            .json()
            .getString("id");
    JsonObject before = api.get("/api/v1/admin/settings", admin).json();
    try {
      api.send(
          HttpMethod.PUT,
          "/api/v1/admin/settings",
          admin,
          before.copy().put("productApprovalRequired", true),
          Map.of());
      Api.Response live =
          send(
              api,
              HttpMethod.PATCH,
              id,
              seller.accessToken(),
              new JsonObject().put("status", "active"));
      assertThat(live.json().getString("status")).isEqualTo("pending_review");
      Api.Response edited =
          send(
              api, HttpMethod.PATCH, id, seller.accessToken(), new JsonObject().put("price", 4700));
      assertThat(edited.json().getString("status"))
          .as("an edit does not approve")
          .isEqualTo("pending_review");
    } finally {
      api.send(HttpMethod.PUT, "/api/v1/admin/settings", admin, before, Map.of());
    }
  }

  @Test
  void adminsApproveOrRejectWhatWaitsForReview(Api api) {
    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    JsonObject before = api.get("/api/v1/admin/settings", admin).json();
    String good;
    String bad;
    try {
      api.send(
          HttpMethod.PUT,
          "/api/v1/admin/settings",
          admin,
          before.copy().put("productApprovalRequired", true),
          Map.of());
      good =
          api.post("/api/v1/products", seller.accessToken(), shirt(tag())).json().getString("id");
      bad = api.post("/api/v1/products", seller.accessToken(), shirt(tag())).json().getString("id");
    } finally {
      api.send(HttpMethod.PUT, "/api/v1/admin/settings", admin, before, Map.of());
    }
    java.util.List<String> queue = new java.util.ArrayList<>();
    String cursor = null;
    do {
      Api.Response page =
          api.get(
              "/api/v1/admin/products/pending?limit=100"
                  + (cursor == null ? "" : "&cursor=" + cursor),
              admin);
      assertThat(page.status()).as(page.toString()).isEqualTo(200);
      page.json().getJsonArray("items").forEach(p -> queue.add(((JsonObject) p).getString("id")));
      cursor = page.json().getString("nextCursor");
    } while (cursor != null);
    assertThat(queue).containsSubsequence(good, bad);

    assertThat(
            api.post(
                    "/api/v1/admin/products/" + good + "/approve",
                    seller.accessToken(),
                    new JsonObject())
                .status())
        .isEqualTo(403);
    Api.Response approved =
        api.post("/api/v1/admin/products/" + good + "/approve", admin, new JsonObject());
    assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
    assertThat(approved.json().getString("status")).isEqualTo("active");
    assertThat(api.get("/api/v1/products/" + good).status()).isEqualTo(200);
    assertThat(
            api.post("/api/v1/admin/products/" + good + "/approve", admin, new JsonObject())
                .status())
        .as("only pending products are reviewed")
        .isEqualTo(409);

    assertThat(
            api.post("/api/v1/admin/products/" + bad + "/reject", admin, new JsonObject()).status())
        .isEqualTo(422);
    Api.Response rejected =
        api.post(
            "/api/v1/admin/products/" + bad + "/reject",
            admin,
            new JsonObject().put("reason", "Photos missing"));
    assertThat(rejected.json().getString("status")).isEqualTo("draft");
    assertThat(
            api.get("/api/v1/products/" + bad, seller.accessToken()).json().getString("reviewNote"))
        .isEqualTo("Photos missing");
    assertThat(
            api
                .get("/api/v1/admin/products/pending?limit=100", admin)
                .json()
                .getJsonArray("items")
                .stream()
                .map(p -> ((JsonObject) p).getString("id")))
        .doesNotContain(good, bad);
  }
}
