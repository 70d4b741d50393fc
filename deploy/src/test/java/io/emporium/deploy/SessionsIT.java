package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPlatform.class)
class SessionsIT {

  private static Api.Response refresh(Api api, String token) {
    return api.post("/api/v1/auth/refresh", new JsonObject().put("refreshToken", token));
  }

  @Test
  void refreshRotatesAndTheOldTokenStopsWorking(Api api) {
    Accounts.Account account = Accounts.signedIn(api, null);
    Api.Response first = refresh(api, account.refreshToken());
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    String next = first.json().getString("refreshToken");
    assertThat(next).isNotEqualTo(account.refreshToken());
    assertThat(api.get("/api/v1/users/me", first.json().getString("accessToken")).status())
        .isEqualTo(200);
    Api.Response second = refresh(api, next);
    assertThat(second.status()).isEqualTo(200);
  }

  @Test
  void aReusedRefreshTokenRevokesItsWholeFamily(Api api) {
    Accounts.Account account = Accounts.signedIn(api, null);
    Api.Response rotated = refresh(api, account.refreshToken());
    String current = rotated.json().getString("refreshToken");
    String currentAccess = rotated.json().getString("accessToken");

    Api.Response replay = refresh(api, account.refreshToken());
    assertThat(replay.status()).isEqualTo(401);
    assertThat(refresh(api, current).status())
        .as("the thief's and the owner's tokens die together")
        .isEqualTo(401);
    assertThat(api.get("/api/v1/users/me", currentAccess).status()).isEqualTo(401);

    Accounts.Account again = Accounts.login(api, account.email(), Accounts.PASSWORD);
    assertThat(api.get("/api/v1/users/me", again.accessToken()).status())
        .as("other sessions are unaffected")
        .isEqualTo(200);
  }

  @Test
  void unknownRefreshTokensAre401(Api api) {
    assertThat(refresh(api, "not-a-token").status()).isEqualTo(401);
    assertThat(refresh(api, "").status()).isEqualTo(422);
  }

  @Test
  void logoutEndsTheSessionAndItsTokensAtOnce(Api api) {
    Accounts.Account account = Accounts.signedIn(api, null);
    Accounts.Account otherDevice = Accounts.login(api, account.email(), Accounts.PASSWORD);
    Api.Response out =
        api.post(
            "/api/v1/auth/logout",
            account.accessToken(),
            new JsonObject().put("refreshToken", account.refreshToken()));
    assertThat(out.status()).as(out.toString()).isEqualTo(204);
    assertThat(api.get("/api/v1/users/me", account.accessToken()).status()).isEqualTo(401);
    assertThat(refresh(api, account.refreshToken()).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/users/me", otherDevice.accessToken()).status()).isEqualTo(200);
    assertThat(api.post("/api/v1/auth/logout", null, new JsonObject()).status()).isEqualTo(401);
  }

  @Test
  void forgotPasswordIs202ForAnyEmailAndMailsOnlyRealAccounts(Api api) {
    String ghost = Accounts.uniqueEmail("ghost");
    assertThat(
            api.post("/api/v1/auth/forgot-password", new JsonObject().put("email", ghost)).status())
        .isEqualTo(202);
    Accounts.Account account = Accounts.signedIn(api, null);
    assertThat(
            api.post("/api/v1/auth/forgot-password", new JsonObject().put("email", account.email()))
                .status())
        .isEqualTo(202);
    assertThat(Accounts.resetToken(api, account.email(), 2)).hasSize(43);
    assertThat(api.get("/dev/mailbox?to=" + ghost).jsonArray()).isEmpty();
  }

  @Test
  void resettingThePasswordIsSingleUseAndEndsEverySession(Api api) {
    Accounts.Account account = Accounts.signedIn(api, null);
    api.post("/api/v1/auth/forgot-password", new JsonObject().put("email", account.email()));
    String token = Accounts.resetToken(api, account.email(), 2);

    Api.Response weak =
        api.post(
            "/api/v1/auth/reset-password",
            new JsonObject().put("token", token).put("newPassword", "short"));
    assertThat(weak.status()).isEqualTo(422);
    String newPassword = "Brand-New-Orchard-77";
    Api.Response reset =
        api.post(
            "/api/v1/auth/reset-password",
            new JsonObject().put("token", token).put("newPassword", newPassword));
    assertThat(reset.status()).as(reset.toString()).isEqualTo(204);

    assertThat(api.get("/api/v1/users/me", account.accessToken()).status()).isEqualTo(401);
    assertThat(refresh(api, account.refreshToken()).status()).isEqualTo(401);
    assertThat(
            api.post(
                    "/api/v1/auth/login",
                    new JsonObject()
                        .put("email", account.email())
                        .put("password", Accounts.PASSWORD))
                .status())
        .isEqualTo(401);
    Accounts.login(api, account.email(), newPassword);

    Api.Response reused =
        api.post(
            "/api/v1/auth/reset-password",
            new JsonObject().put("token", token).put("newPassword", "Another-Fresh-Tulip-88"));
    assertThat(reused.status()).isEqualTo(400);
    assertThat(
            api.post(
                    "/api/v1/auth/reset-password",
                    new JsonObject()
                        .put("token", "x".repeat(43))
                        .put("newPassword", "Another-Fresh-Tulip-88"))
                .status())
        .isEqualTo(400);
  }

  @Test
  void aNewResetRequestRetiresTheOlderToken(Api api) {
    Accounts.Account account = Accounts.signedIn(api, null);
    api.post("/api/v1/auth/forgot-password", new JsonObject().put("email", account.email()));
    String older = Accounts.resetToken(api, account.email(), 2);
    api.post("/api/v1/auth/forgot-password", new JsonObject().put("email", account.email()));
    String newer = Accounts.resetToken(api, account.email(), 3);
    assertThat(newer).isNotEqualTo(older);
    assertThat(
            api.post(
                    "/api/v1/auth/reset-password",
                    new JsonObject().put("token", older).put("newPassword", "Quiet-River-Stone-19"))
                .status())
        .isEqualTo(400);
    assertThat(
            api.post(
                    "/api/v1/auth/reset-password",
                    new JsonObject().put("token", newer).put("newPassword", "Quiet-River-Stone-19"))
                .status())
        .isEqualTo(204);
  }
}
