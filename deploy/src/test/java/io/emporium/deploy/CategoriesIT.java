package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPlatform.class)
class CategoriesIT {

  private static String admin(Api api) {
    return Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
  }

  private static JsonObject create(Api api, String token, String name, String parentId) {
    JsonObject body = new JsonObject().put("name", name);
    if (parentId != null) {
      body.put("parentId", parentId);
    }
    Api.Response r = api.post("/api/v1/categories", token, body);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  private static JsonObject find(JsonArray nodes, String id) {
    for (Object o : nodes) {
      JsonObject node = (JsonObject) o;
      if (node.getString("id").equals(id)) {
        return node;
      }
      JsonObject inside = find(node.getJsonArray("children"), id);
      if (inside != null) {
        return inside;
      }
    }
    return null;
  }

  @Test
  void adminsBuildATreeThatEveryoneReads(Api api) {
    String token = admin(api);
    String tag = UUID.randomUUID().toString().substring(0, 6);
    JsonObject clothing = create(api, token, "Clothing " + tag, null);
    assertThat(clothing.getString("slug")).isEqualTo("clothing-" + tag);
    JsonObject shirts = create(api, token, "Shirts " + tag, clothing.getString("id"));
    JsonObject linen = create(api, token, "Lïnen Shirts " + tag, shirts.getString("id"));
    assertThat(linen.getString("slug")).isEqualTo("linen-shirts-" + tag);

    Api.Response tree = api.get("/api/v1/categories");
    assertThat(tree.status()).isEqualTo(200);
    JsonObject root = find(tree.jsonArray(), clothing.getString("id"));
    assertThat(root.getString("parentId")).isNull();
    assertThat(root.getJsonArray("children").getJsonObject(0).getString("id"))
        .isEqualTo(shirts.getString("id"));
    assertThat(
            root.getJsonArray("children")
                .getJsonObject(0)
                .getJsonArray("children")
                .getJsonObject(0)
                .getString("name"))
        .isEqualTo("Lïnen Shirts " + tag);

    Api.Response one = api.get("/api/v1/categories/" + shirts.getString("id"));
    assertThat(one.json().getString("parentId")).isEqualTo(clothing.getString("id"));
    assertThat(one.json().getJsonArray("children")).hasSize(1);
    assertThat(api.get("/api/v1/categories/" + UUID.randomUUID()).status()).isEqualTo(404);

    Api.Response renamed =
        api.send(
            io.vertx.core.http.HttpMethod.PUT,
            "/api/v1/categories/" + shirts.getString("id"),
            token,
            new JsonObject()
                .put("name", "Tops " + tag)
                .put("slug", "tops-" + tag)
                .put("parentId", clothing.getString("id")),
            java.util.Map.of());
    assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
    assertThat(renamed.json().getString("slug")).isEqualTo("tops-" + tag);
  }

  @Test
  void onlyAdminsChangeCategories(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    assertThat(
            api.post(
                    "/api/v1/categories",
                    seller.accessToken(),
                    new JsonObject().put("name", "Mine"))
                .status())
        .isEqualTo(403);
    assertThat(api.post("/api/v1/categories", null, new JsonObject().put("name", "Mine")).status())
        .isEqualTo(401);
    String id =
        create(api, admin(api), "Guarded " + UUID.randomUUID().toString().substring(0, 6), null)
            .getString("id");
    assertThat(api.delete("/api/v1/categories/" + id, seller.accessToken()).status())
        .isEqualTo(403);
    assertThat(api.get("/api/v1/categories/" + id).status()).isEqualTo(200);
  }

  @Test
  void cyclesDuplicatesAndBadFieldsAreRefused(Api api) {
    String token = admin(api);
    String tag = UUID.randomUUID().toString().substring(0, 6);
    JsonObject top = create(api, token, "Home " + tag, null);
    JsonObject below = create(api, token, "Kitchen " + tag, top.getString("id"));
    Api.Response cycle =
        api.send(
            io.vertx.core.http.HttpMethod.PUT,
            "/api/v1/categories/" + top.getString("id"),
            token,
            new JsonObject()
                .put("name", "Home " + tag)
                .put("slug", top.getString("slug"))
                .put("parentId", below.getString("id")),
            java.util.Map.of());
    assertThat(cycle.status()).as(cycle.toString()).isEqualTo(422);
    assertThat(cycle.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("parentId");
    assertThat(api.get("/api/v1/categories/" + top.getString("id")).json().getString("parentId"))
        .isNull();

    assertThat(
            api.post("/api/v1/categories", token, new JsonObject().put("name", "Home " + tag))
                .status())
        .isEqualTo(409);
    assertThat(
            api.post(
                    "/api/v1/categories",
                    token,
                    new JsonObject().put("name", "X").put("parentId", UUID.randomUUID().toString()))
                .status())
        .isEqualTo(422);
    Api.Response noName = api.post("/api/v1/categories", token, new JsonObject().put("name", ""));
    assertThat(noName.status()).isEqualTo(422);
    assertThat(noName.json().getJsonArray("errors").encode()).contains("name");
    Api.Response badSlug =
        api.post(
            "/api/v1/categories",
            token,
            new JsonObject().put("name", "Fine").put("slug", "Bad Slug"));
    assertThat(badSlug.status()).isEqualTo(422);
    assertThat(badSlug.json().getJsonArray("errors").encode()).contains("slug");
  }

  @Test
  void onlyEmptyCategoriesCanBeDeleted(Api api) {
    String token = admin(api);
    String tag = UUID.randomUUID().toString().substring(0, 6);
    JsonObject garden = create(api, token, "Garden " + tag, null);
    JsonObject tools = create(api, token, "Tools " + tag, garden.getString("id"));
    assertThat(api.delete("/api/v1/categories/" + garden.getString("id"), token).status())
        .as("has a subcategory")
        .isEqualTo(409);

    Pool db = TestPlatform.db();
    UUID product = UUID.randomUUID();
    db.preparedQuery(
            "INSERT INTO catalog.products (id, seller_id, name, price, currency, status, category_id) "
                + "VALUES ($1, $2, 'Rake', 1500, 'usd', 'active', $3)")
        .execute(Tuple.of(product, UUID.randomUUID(), UUID.fromString(tools.getString("id"))))
        .await();
    assertThat(api.delete("/api/v1/categories/" + tools.getString("id"), token).status())
        .as("has a product")
        .isEqualTo(409);
    db.preparedQuery("UPDATE catalog.products SET deleted_at = now() WHERE id = $1")
        .execute(Tuple.of(product))
        .await();
    assertThat(api.delete("/api/v1/categories/" + tools.getString("id"), token).status())
        .isEqualTo(204);
    assertThat(api.delete("/api/v1/categories/" + garden.getString("id"), token).status())
        .isEqualTo(204);
    assertThat(api.delete("/api/v1/categories/" + garden.getString("id"), token).status())
        .isEqualTo(404);
  }
}
