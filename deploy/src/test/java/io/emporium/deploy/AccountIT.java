package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPlatform.class)
class AccountIT {

  private static JsonObject home() {
    return new JsonObject()
        .put("name", "Ann Example")
        .put("line1", "1 Main St")
        .put("city", "Springfield")
        .put("postalCode", "12345")
        .put("country", "us")
        .put("phone", "+1 555 0100");
  }

  @Test
  void meNeedsAToken(Api api) {
    assertThat(api.get("/api/v1/users/me").status()).isEqualTo(401);
    assertThat(api.get("/api/v1/users/me/addresses").status()).isEqualTo(401);
  }

  @Test
  void theProfileNameCanChangeButEmailAndRoleCannot(Api api) {
    Accounts.Account account = Accounts.signedIn(api, null);
    Api.Response renamed =
        api.patch(
            "/api/v1/users/me",
            account.accessToken(),
            new JsonObject().put("fullName", "Ann B. Example"));
    assertThat(renamed.status()).isEqualTo(200);
    assertThat(renamed.json().getString("fullName")).isEqualTo("Ann B. Example");
    Api.Response escalate =
        api.patch(
            "/api/v1/users/me",
            account.accessToken(),
            new JsonObject().put("role", "admin").put("email", "new@example.com"));
    assertThat(escalate.status()).isEqualTo(422);
    JsonObject me = api.get("/api/v1/users/me", account.accessToken()).json();
    assertThat(me.getString("role")).isEqualTo("customer");
    assertThat(me.getString("email")).isEqualTo(account.email());
    assertThat(me.getString("fullName")).isEqualTo("Ann B. Example");
    assertThat(
            api.patch(
                    "/api/v1/users/me", account.accessToken(), new JsonObject().put("fullName", ""))
                .status())
        .isEqualTo(422);
  }

  @Test
  void addressesCanBeAddedReadChangedAndDeleted(Api api) {
    Accounts.Account account = Accounts.signedIn(api, null);
    Api.Response added = api.post("/api/v1/users/me/addresses", account.accessToken(), home());
    assertThat(added.status()).as(added.toString()).isEqualTo(201);
    String id = added.json().getString("id");
    assertThat(added.json().getString("country")).isEqualTo("US");

    Api.Response list = api.get("/api/v1/users/me/addresses", account.accessToken());
    assertThat(list.json().getJsonArray("items")).hasSize(1);
    assertThat(list.json().containsKey("nextCursor")).isTrue();

    Api.Response changed =
        api.patch(
            "/api/v1/users/me/addresses/" + id,
            account.accessToken(),
            new JsonObject().put("line2", "Apt 4"));
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.json().getString("line2")).isEqualTo("Apt 4");
    assertThat(changed.json().getString("line1")).isEqualTo("1 Main St");

    assertThat(api.delete("/api/v1/users/me/addresses/" + id, account.accessToken()).status())
        .isEqualTo(204);
    assertThat(api.get("/api/v1/users/me/addresses/" + id, account.accessToken()).status())
        .isEqualTo(404);
    assertThat(api.delete("/api/v1/users/me/addresses/" + id, account.accessToken()).status())
        .isEqualTo(404);
  }

  @Test
  void badAddressesAre422AndChangeNothing(Api api) {
    Accounts.Account account = Accounts.signedIn(api, null);
    Api.Response missing =
        api.post(
            "/api/v1/users/me/addresses", account.accessToken(), new JsonObject().put("name", "X"));
    assertThat(missing.status()).isEqualTo(422);
    assertThat(missing.json().getJsonArray("errors").encode())
        .contains("line1", "city", "postalCode", "country");
    Api.Response nulls =
        api.post(
            "/api/v1/users/me/addresses",
            account.accessToken(),
            home().putNull("country").putNull("name"));
    assertThat(nulls.status()).as(nulls.toString()).isEqualTo(422);
    assertThat(nulls.json().getJsonArray("errors").encode()).contains("country", "name");
    Api.Response badCountry =
        api.post("/api/v1/users/me/addresses", account.accessToken(), home().put("country", "USA"));
    assertThat(badCountry.status()).isEqualTo(422);
    assertThat(
            api.get("/api/v1/users/me/addresses", account.accessToken())
                .json()
                .getJsonArray("items"))
        .isEmpty();
  }

  @Test
  void anotherUsersAddressIsNotFound(Api api) {
    Accounts.Account owner = Accounts.signedIn(api, null);
    Accounts.Account stranger = Accounts.signedIn(api, null);
    String id =
        api.post("/api/v1/users/me/addresses", owner.accessToken(), home()).json().getString("id");
    assertThat(api.get("/api/v1/users/me/addresses/" + id, stranger.accessToken()).status())
        .isEqualTo(404);
    assertThat(
            api.patch(
                    "/api/v1/users/me/addresses/" + id,
                    stranger.accessToken(),
                    new JsonObject().put("city", "X"))
                .status())
        .isEqualTo(404);
    assertThat(api.delete("/api/v1/users/me/addresses/" + id, stranger.accessToken()).status())
        .isEqualTo(404);
    assertThat(
            api.get("/api/v1/users/me/addresses/" + id, owner.accessToken())
                .json()
                .getString("city"))
        .isEqualTo("Springfield");
  }
}
