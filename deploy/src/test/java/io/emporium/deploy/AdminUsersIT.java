package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPlatform.class)
class AdminUsersIT {

  private static Accounts.Account admin(Api api) {
    return Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD);
  }

  @Test
  void theBootstrapAdminExistsAndIsAnAdmin(Api api) {
    Accounts.Account admin = admin(api);
    JsonObject me = api.get("/api/v1/users/me", admin.accessToken()).json();
    assertThat(me.getString("role")).isEqualTo("admin");
    assertThat(me.getBoolean("emailVerified")).isTrue();
  }

  @Test
  void customersAndSellersGet403AndAnonymous401(Api api) {
    Accounts.Account customer = Accounts.signedIn(api, null);
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    for (Accounts.Account who : new Accounts.Account[] {customer, seller}) {
      assertThat(api.get("/api/v1/admin/users", who.accessToken()).status()).isEqualTo(403);
      assertThat(api.get("/api/v1/admin/users/" + who.id(), who.accessToken()).status())
          .isEqualTo(403);
      assertThat(
              api.patch(
                      "/api/v1/admin/users/" + who.id(),
                      who.accessToken(),
                      new JsonObject().put("role", "admin"))
                  .status())
          .isEqualTo(403);
    }
    assertThat(api.get("/api/v1/admin/users").status()).isEqualTo(401);
    assertThat(api.get("/api/v1/users/me", customer.accessToken()).json().getString("role"))
        .isEqualTo("customer");
  }

  @Test
  void adminsSearchAndPageThroughUsers(Api api) {
    Accounts.Account admin = admin(api);
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    Api.Response found =
        api.get("/api/v1/admin/users?q=" + seller.email().split("@")[0], admin.accessToken());
    assertThat(found.status()).isEqualTo(200);
    JsonArray items = found.json().getJsonArray("items");
    assertThat(items).hasSize(1);
    assertThat(items.getJsonObject(0).getString("id")).isEqualTo(seller.id());
    assertThat(items.getJsonObject(0).getBoolean("active")).isTrue();

    Api.Response sellers =
        api.get("/api/v1/admin/users?role=seller&limit=100", admin.accessToken());
    assertThat(
            sellers.json().getJsonArray("items").stream()
                .map(u -> ((JsonObject) u).getString("role")))
        .containsOnly("seller");

    for (int i = 0; i < 3; i++) {
      api.post("/api/v1/auth/register", Accounts.registration(Accounts.uniqueEmail("page"), null));
    }
    Set<String> seen = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      Api.Response page =
          api.get(
              "/api/v1/admin/users?limit=2" + (cursor == null ? "" : "&cursor=" + cursor),
              admin.accessToken());
      assertThat(page.status()).as(page.toString()).isEqualTo(200);
      assertThat(page.json().getJsonArray("items").size()).isLessThanOrEqualTo(2);
      page.json()
          .getJsonArray("items")
          .forEach(u -> assertThat(seen.add(((JsonObject) u).getString("id"))).isTrue());
      cursor = page.json().getString("nextCursor");
      pages++;
    } while (cursor != null && pages < 500);
    assertThat(seen).contains(seller.id(), admin.id());
    assertThat(pages).isGreaterThan(1);
  }

  @Test
  void badListParametersAre422(Api api) {
    Accounts.Account admin = admin(api);
    for (String query :
        new String[] {
          "?limit=0",
          "?limit=101",
          "?limit=ten",
          "?role=king",
          "?active=maybe",
          "?cursor=bm90LWEtY3Vyc29y",
          "?sort=name"
        }) {
      assertThat(api.get("/api/v1/admin/users" + query, admin.accessToken()).status())
          .as(query)
          .isEqualTo(422);
    }
  }

  @Test
  void aRoleChangeAppliesToTheUsersNextRequest(Api api) {
    Accounts.Account admin = admin(api);
    Accounts.Account user = Accounts.signedIn(api, null);
    Api.Response promoted =
        api.patch(
            "/api/v1/admin/users/" + user.id(),
            admin.accessToken(),
            new JsonObject().put("role", "seller"));
    assertThat(promoted.status()).as(promoted.toString()).isEqualTo(200);
    assertThat(promoted.json().getString("role")).isEqualTo("seller");
    assertThat(api.get("/api/v1/users/me", user.accessToken()).json().getString("role"))
        .isEqualTo("seller");
    assertThat(
            api.patch(
                    "/api/v1/admin/users/" + user.id(),
                    admin.accessToken(),
                    new JsonObject().put("role", "emperor"))
                .status())
        .isEqualTo(422);
  }

  @Test
  void deactivationLocksTheUserOutAtOnceTokensIncluded(Api api) {
    Accounts.Account admin = admin(api);
    Accounts.Account user = Accounts.signedIn(api, null);
    Api.Response off =
        api.patch(
            "/api/v1/admin/users/" + user.id(),
            admin.accessToken(),
            new JsonObject().put("active", false));
    assertThat(off.status()).isEqualTo(200);
    assertThat(off.json().getBoolean("active")).isFalse();
    assertThat(api.get("/api/v1/users/me", user.accessToken()).status()).isEqualTo(401);
    assertThat(
            api.post(
                    "/api/v1/auth/refresh",
                    new JsonObject().put("refreshToken", user.refreshToken()))
                .status())
        .isEqualTo(401);
    Api.Response login =
        api.post(
            "/api/v1/auth/login",
            new JsonObject().put("email", user.email()).put("password", Accounts.PASSWORD));
    assertThat(login.status()).isEqualTo(403);

    api.patch(
        "/api/v1/admin/users/" + user.id(),
        admin.accessToken(),
        new JsonObject().put("active", true));
    Accounts.login(api, user.email(), Accounts.PASSWORD);
  }

  @Test
  void adminsCannotLockThemselvesOutAndUnknownUsersAre404(Api api) {
    Accounts.Account admin = admin(api);
    assertThat(
            api.patch(
                    "/api/v1/admin/users/" + admin.id(),
                    admin.accessToken(),
                    new JsonObject().put("active", false))
                .status())
        .isEqualTo(409);
    assertThat(
            api.patch(
                    "/api/v1/admin/users/" + admin.id(),
                    admin.accessToken(),
                    new JsonObject().put("role", "customer"))
                .status())
        .isEqualTo(409);
    assertThat(
            api.get("/api/v1/admin/users/00000000-0000-0000-0000-000000000000", admin.accessToken())
                .status())
        .isEqualTo(404);
    assertThat(api.get("/api/v1/admin/users/not-a-uuid", admin.accessToken()).status())
        .isEqualTo(404);
  }
}
