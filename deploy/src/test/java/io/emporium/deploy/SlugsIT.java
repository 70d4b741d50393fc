package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPlatform.class)
class SlugsIT {
  private static final String BY_SLUG = "/api/v1/products/by-slug/";

  private static String tag() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static JsonObject product(String name) {
    return new JsonObject().put("name", name).put("price", 1900).put("currency", "usd");
  }

  private static JsonObject create(Api api, Accounts.Account seller, JsonObject body) {
    Api.Response created = api.post("/api/v1/products", seller.accessToken(), body);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created.json();
  }

  private static String fields(Api.Response r) {
    return r.json().getJsonArray("errors").stream()
        .map(e -> ((JsonObject) e).getString("field"))
        .toList()
        .toString();
  }

  @Test
  void aNewProductGetsASlugFromItsNameAndASecondOneANumber(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String t = tag();
    JsonObject first = create(api, seller, product("Crème Brûlée Torch " + t.toUpperCase()));
    assertThat(first.getString("slug")).isEqualTo("creme-brulee-torch-" + t);
    JsonObject second = create(api, seller, product("Crème brûlée torch  " + t));
    assertThat(second.getString("slug")).isEqualTo("creme-brulee-torch-" + t + "-2");
    JsonObject third = create(api, seller, product("creme-brulee-torch-" + t));
    assertThat(third.getString("slug")).isEqualTo("creme-brulee-torch-" + t + "-3");

    JsonObject listed =
        api.get("/api/v1/products/mine?limit=5", seller.accessToken())
            .json()
            .getJsonArray("items")
            .getJsonObject(0);
    assertThat(listed.getString("slug")).isEqualTo(third.getString("slug"));
  }

  @Test
  void aProductReadBySlugIsTheProductReadById(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    JsonObject p = create(api, seller, product("Walnut Board " + tag()));
    Api.Response byId = api.get("/api/v1/products/" + p.getString("id"));
    Api.Response bySlug = api.get(BY_SLUG + p.getString("slug"));
    assertThat(bySlug.status()).as(bySlug.toString()).isEqualTo(200);
    assertThat(bySlug.header("Content-Type")).isEqualTo(byId.header("Content-Type"));
    assertThat(bySlug.header("X-Cache")).isIn("hit", "miss");
    assertThat(bySlug.json()).isEqualTo(byId.json());
    // the page the id read left in the cache serves the slug read too
    Api.Response again =
        api.await(
            Duration.ofSeconds(5),
            () -> api.get(BY_SLUG + p.getString("slug")),
            r -> "hit".equals(r.header("X-Cache")));
    assertThat(again.header("X-Cache")).isEqualTo("hit");
    assertThat(again.json()).isEqualTo(byId.json());

    Api.Response unknown = api.get(BY_SLUG + "no-such-product-" + tag());
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.header("Content-Type")).startsWith("application/problem+json");
    assertThat(api.get(BY_SLUG + "Not%20A%20Slug").status()).isEqualTo(404);
  }

  @Test
  void aRenamedSlugLeadsFromTheOldOneToTheNewOne(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String t = tag();
    JsonObject p = create(api, seller, product("Tea Kettle " + t));
    String old = p.getString("slug");
    // the page is cached under the product's id before the rename
    assertThat(api.get(BY_SLUG + old).status()).isEqualTo(200);

    Api.Response renamed =
        api.patch(
            "/api/v1/products/" + p.getString("id"),
            seller.accessToken(),
            new JsonObject().put("slug", "copper-kettle-" + t));
    assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
    assertThat(renamed.json().getString("slug")).isEqualTo("copper-kettle-" + t);

    Api.Response current = api.get(BY_SLUG + "copper-kettle-" + t);
    assertThat(current.status()).isEqualTo(200);
    assertThat(current.json().getString("id")).isEqualTo(p.getString("id"));
    assertThat(current.json().getString("slug")).isEqualTo("copper-kettle-" + t);

    Api.Response moved = api.getUnfollowed(BY_SLUG + old, null);
    assertThat(moved.status()).as(moved.toString()).isEqualTo(301);
    assertThat(moved.header("Location")).isEqualTo(BY_SLUG + "copper-kettle-" + t);
    // never kept by a client: the product may take its old slug back
    assertThat(moved.header("Cache-Control")).isEqualTo("no-store");
    assertThat(api.get("/api/v1/products/" + p.getString("id")).json().getString("slug"))
        .isEqualTo("copper-kettle-" + t);

    // a PUT without a slug keeps it; the product may take its old slug back
    Api.Response replaced =
        api.send(
            HttpMethod.PUT,
            "/api/v1/products/" + p.getString("id"),
            seller.accessToken(),
            product("Tea Kettle " + t).put("price", 2100),
            Map.of());
    assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
    assertThat(replaced.json().getString("slug")).isEqualTo("copper-kettle-" + t);
    Api.Response back =
        api.patch(
            "/api/v1/products/" + p.getString("id"),
            seller.accessToken(),
            new JsonObject().put("slug", old));
    assertThat(back.status()).as(back.toString()).isEqualTo(200);
    assertThat(api.get(BY_SLUG + old).json().getLong("price")).isEqualTo(2100L);
    assertThat(api.getUnfollowed(BY_SLUG + "copper-kettle-" + t, null).header("Location"))
        .isEqualTo(BY_SLUG + old);
  }

  @Test
  void aMalformedOrTakenSlugIs422NamingTheField(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    Accounts.Account other = Accounts.signedIn(api, "seller");
    String t = tag();
    for (String bad :
        new String[] {"Has Spaces", "UPPER-" + t, "double--" + t, "-" + t, "x".repeat(101)}) {
      Api.Response refused =
          api.post("/api/v1/products", seller.accessToken(), product("Lamp").put("slug", bad));
      assertThat(refused.status()).as(bad + ": " + refused).isEqualTo(422);
      assertThat(fields(refused)).isEqualTo("[slug]");
    }

    JsonObject lamp = create(api, seller, product("Lamp").put("slug", "desk-lamp-" + t));
    assertThat(lamp.getString("slug")).isEqualTo("desk-lamp-" + t);
    Api.Response taken =
        api.post(
            "/api/v1/products", other.accessToken(), product("Lamp").put("slug", "desk-lamp-" + t));
    assertThat(taken.status()).as(taken.toString()).isEqualTo(422);
    assertThat(fields(taken)).isEqualTo("[slug]");

    JsonObject shade = create(api, other, product("Shade " + t));
    Api.Response takenOnRename =
        api.patch(
            "/api/v1/products/" + shade.getString("id"),
            other.accessToken(),
            new JsonObject().put("slug", "desk-lamp-" + t));
    assertThat(takenOnRename.status()).as(takenOnRename.toString()).isEqualTo(422);
    assertThat(fields(takenOnRename)).isEqualTo("[slug]");
    Api.Response empty =
        api.patch(
            "/api/v1/products/" + shade.getString("id"),
            other.accessToken(),
            new JsonObject().put("slug", ""));
    assertThat(empty.status()).isEqualTo(422);
    assertThat(fields(empty)).isEqualTo("[slug]");

    // a retired slug stays its product's: nobody else can take it
    assertThat(
            api.patch(
                    "/api/v1/products/" + lamp.getString("id"),
                    seller.accessToken(),
                    new JsonObject().put("slug", "reading-lamp-" + t))
                .status())
        .isEqualTo(200);
    Api.Response retired =
        api.patch(
            "/api/v1/products/" + shade.getString("id"),
            other.accessToken(),
            new JsonObject().put("slug", "desk-lamp-" + t));
    assertThat(retired.status()).as(retired.toString()).isEqualTo(422);
    assertThat(fields(retired)).isEqualTo("[slug]");
    assertThat(api.get("/api/v1/products/" + shade.getString("id")).json().getString("slug"))
        .isEqualTo("shade-" + t);
  }

  @Test
  void aDraftBySlugShowsOnlyToItsSellerAndAdmins(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    Accounts.Account customer = Accounts.signedIn(api, null);
    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    String t = tag();
    JsonObject draft = create(api, seller, product("Secret Sauce " + t).put("status", "draft"));
    String slug = draft.getString("slug");
    assertThat(api.get(BY_SLUG + slug).status()).isEqualTo(404);
    assertThat(api.get(BY_SLUG + slug, customer.accessToken()).status()).isEqualTo(404);
    Api.Response own = api.get(BY_SLUG + slug, seller.accessToken());
    assertThat(own.status()).isEqualTo(200);
    assertThat(own.json().getString("status")).isEqualTo("draft");
    assertThat(api.get(BY_SLUG + slug, admin).status()).isEqualTo(200);

    // a draft's old slug says nothing of its new one to others
    assertThat(
            api.patch(
                    "/api/v1/products/" + draft.getString("id"),
                    seller.accessToken(),
                    new JsonObject().put("slug", "hot-sauce-" + t))
                .status())
        .isEqualTo(200);
    assertThat(api.getUnfollowed(BY_SLUG + slug, customer.accessToken()).status()).isEqualTo(404);
    assertThat(api.getUnfollowed(BY_SLUG + slug, seller.accessToken()).status()).isEqualTo(301);
  }

  @Test
  void aCategoryReadBySlugIsTheCategoryReadById(Api api) {
    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    String t = tag();
    Api.Response parent =
        api.post("/api/v1/categories", admin, new JsonObject().put("name", "Kitchen " + t));
    assertThat(parent.status()).as(parent.toString()).isEqualTo(201);
    Api.Response child =
        api.post(
            "/api/v1/categories",
            admin,
            new JsonObject()
                .put("name", "Products " + t)
                .put("slug", "products")
                .put("parentId", parent.json().getString("id")));
    String id = parent.json().getString("id");
    Api.Response byId = api.get("/api/v1/categories/" + id);
    Api.Response bySlug = api.get("/api/v1/categories/by-slug/kitchen-" + t);
    assertThat(bySlug.status()).as(bySlug.toString()).isEqualTo(200);
    assertThat(bySlug.json()).isEqualTo(byId.json());
    assertThat(bySlug.json().getJsonArray("children")).hasSize(1);
    assertThat(api.get("/api/v1/categories/by-slug/no-such-category-" + t).status()).isEqualTo(404);
    // a category whose slug is "products" is the category, not the products of one called by-slug
    assertThat(child.status()).as(child.toString()).isEqualTo(201);
    Api.Response named = api.get("/api/v1/categories/by-slug/products");
    assertThat(named.status()).as(named.toString()).isEqualTo(200);
    assertThat(named.json().getString("id")).isEqualTo(child.json().getString("id"));
  }
}
